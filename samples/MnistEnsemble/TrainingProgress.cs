using System;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using Spectre.Console;

namespace MnistEnsemble
{
    /// <summary>Shows training as it happens: a live progress bar per member on a terminal, one plain line per epoch otherwise
    /// (redirected output, CI logs, tests).</summary>
    internal sealed class TrainingProgress
    {
        private readonly IAnsiConsole _console;
        private readonly int _models;
        private readonly int _epochs;
        private readonly MlpEpochMetrics[] _latest;
        private ProgressTask[] _bars;

        public TrainingProgress(IAnsiConsole console, int models, int epochs)
        {
            _console = console;
            _models = models;
            _epochs = epochs;
            _latest = new MlpEpochMetrics[models];
        }

        /// <summary>The EpochCallback of every member.</summary>
        public void OnEpoch(MlpEpochMetrics metrics)
        {
            int member = metrics.Member;
            _latest[member] = metrics;
            if (_bars != null)
            {
                _bars[member].Description = Describe(member, metrics);
                _bars[member].Increment(1);
            }
            else if (member == _models - 1)
            {
                _console.WriteLine($"epoch {metrics.Epoch}/{_epochs} ({metrics.Elapsed.TotalSeconds:F1} s): "
                    + $"loss {_latest.Min(m => m.TrainingLoss):F4}–{_latest.Max(m => m.TrainingLoss):F4}, "
                    + $"training accuracy {_latest.Min(m => m.TrainingAccuracy):P2}–{_latest.Max(m => m.TrainingAccuracy):P2}");
            }
        }

        /// <summary>Runs the training inside the live display when the console can animate.</summary>
        public T Run<T>(Func<T> train)
        {
            if (!_console.Profile.Capabilities.Interactive)
                return train();
            T result = default;
            _console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 16 },
                         new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    _bars = Enumerable.Range(0, _models).Select(m => context.AddTask(Describe(m, null), maxValue: _epochs)).ToArray();
                    result = train();
                });
            _bars = null;
            return result;
        }

        private string Describe(int member, MlpEpochMetrics metrics) =>
            metrics == null
                ? $"member {member + 1}  [grey]first epoch…[/]"
                : $"member {member + 1}  {metrics.Epoch,2}/{_epochs}  loss {metrics.TrainingLoss:F3}  acc {metrics.TrainingAccuracy:P1}";
    }
}
