using System;
using Microsoft.ML.Trainers.Mlp;
using Spectre.Console;

namespace TextClassification
{
    /// <summary>Shows the ensemble's training as it happens: the MLP member's epochs, then SDCA (members train one after the
    /// other). A live display on a terminal, one plain line per step otherwise (redirected output, CI logs, tests).</summary>
    internal sealed class TextProgress
    {
        private readonly IAnsiConsole _console;
        private readonly int _epochs;
        private ProgressTask _mlp;
        private ProgressTask _sdca;

        public TextProgress(IAnsiConsole console, int epochs)
        {
            _console = console;
            _epochs = epochs;
        }

        /// <summary>The MLP member's EpochCallback.</summary>
        public void OnEpoch(MlpEpochMetrics m)
        {
            string validation = m.ValidationAccuracy is double va ? $", validation {va:P1}" : "";
            if (_mlp != null)
            {
                _mlp.Description = $"Mlp   epoch {m.Epoch,2}/{_epochs}  loss {m.TrainingLoss:F3}  acc {m.TrainingAccuracy:P1}{validation}";
                _mlp.Increment(1);
            }
            else
                _console.WriteLine($"Mlp epoch {m.Epoch}/{_epochs} ({m.Duration.TotalSeconds:F1} s): loss {m.TrainingLoss:F4}, training accuracy {m.TrainingAccuracy:P2}{validation}");
            if (m.Epoch == _epochs)
                StartSdca();
        }

        /// <summary>Runs the training inside the live display when the console can animate.</summary>
        public T Run<T>(Func<T> train)
        {
            if (!_console.Profile.Capabilities.Interactive)
                return train();
            T result = default;
            _console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 16 }, new ElapsedTimeColumn(), new SpinnerColumn())
                .Start(context =>
                {
                    _mlp = context.AddTask("Mlp   featurizing, first epoch…", maxValue: _epochs);
                    _sdca = context.AddTask("SdcaMaximumEntropy  waiting for the MLP", autoStart: false, maxValue: 1);
                    result = train();
                    _sdca.Description = "SdcaMaximumEntropy  trained";
                    _sdca.Value = 1;
                    _sdca.StopTask();
                });
            _mlp = _sdca = null;
            return result;
        }

        private void StartSdca()
        {
            if (_sdca == null)
            {
                _console.WriteLine("SdcaMaximumEntropy: training…");
                return;
            }
            _mlp.StopTask();
            _sdca.Description = "SdcaMaximumEntropy  training…";
            _sdca.IsIndeterminate = true;
            _sdca.StartTask();
        }
    }
}
