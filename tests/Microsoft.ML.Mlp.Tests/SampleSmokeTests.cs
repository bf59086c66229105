using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using MnistEnsemble;
using Spectre.Console;
using TabularCsv;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Each sample's main path, end to end on tiny settings: what `dotnet run` does, minus the minutes.</summary>
    public sealed class SampleSmokeTests : IDisposable
    {
        private readonly string _output = Path.Combine(Path.GetTempPath(), "mlp-sample-smoke-" + Guid.NewGuid().ToString("N"));
        private readonly StringWriter _printed = new();

        public void Dispose()
        {
            if (Directory.Exists(_output))
                Directory.Delete(_output, recursive: true);
        }

        /// <summary>A console that records what the sample prints, without animation or colour.</summary>
        private IAnsiConsole RecordingConsole() => AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(_printed),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });

        [Fact]
        public void MnistEnsembleTrainsSavesReloadsAndPlots()
        {
            var result = MnistEnsembleSample.Run(new SampleOptions
            {
                TrainRows = 300,
                TestRows = 100,
                Epochs = 1,
                Models = 2,
                PreviewImages = 3,
                OutputDirectory = _output,
                Console = RecordingConsole(),
            });

            Assert.Equal(300, result.TrainRows);
            Assert.Equal(100, result.TestRows);
            Assert.Equal(2, result.Evaluation.Members.Count);
            foreach (var score in result.Evaluation.Members.Append(result.Evaluation.Ensemble))
            {
                Assert.InRange(score.Accuracy, 0, 1);
                Assert.True(double.IsFinite(score.LogLoss) && score.LogLoss >= 0, $"{score.Name}: log-loss {score.LogLoss}");
            }
            Assert.Equal(10, result.Evaluation.ClassLabels.Length);

            Assert.True(new FileInfo(result.ModelPath).Length > 0, "model zip written");
            var png = File.ReadAllBytes(result.TrainingCurvePath);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.Take(4));

            // The previews come from the zip reloaded in a fresh MLContext.
            Assert.Equal(3, result.Previews.Length);
            Assert.All(result.Previews, p => Assert.InRange(p.Confidence, 0.1f, 1f));

            string printed = _printed.ToString();
            Assert.Contains("epoch 1/1", printed);
            Assert.Contains("Confusion matrix", printed);
            Assert.Contains("predicted", printed);
        }

        [Fact]
        public void MnistEnsembleParsesTheBestRecipesOptions()
        {
            var options = SampleOptions.Parse(new[]
            {
                "--hidden", "512,256", "--batch-size", "128", "--dropout", "0.3", "--optimizer", "AdamW",
                "--weight-decay", "0.05", "--schedule", "cosineannealing", "--activation", "Gelu",
            });

            Assert.Equal(new[] { 512, 256 }, options.HiddenLayerSizes);
            Assert.Equal(128, options.BatchSize);
            Assert.Equal(0.3f, options.DropoutRate);
            Assert.Equal(MlpOptimizer.AdamW, options.Optimizer);
            Assert.Equal(0.05f, options.WeightDecay);
            Assert.Equal(MlpLearningRateSchedule.CosineAnnealing, options.Schedule);
            Assert.Equal(MlpActivation.Gelu, options.Activation);
            var bad = Assert.Throws<ArgumentException>(() => SampleOptions.Parse(new[] { "--optimizer", "Lion" }));
            Assert.Contains("AdamW", bad.Message);
        }

        [Fact]
        public void TabularCsvComparesThreeTrainersAboveChance()
        {
            var result = TabularCsvSample.Run(new TabularOptions { Epochs = 3, Console = RecordingConsole() });

            Assert.Equal(4435, result.TrainRows);
            Assert.Equal(2000, result.TestRows);
            Assert.Equal(new[] { "Mlp", "LbfgsMaximumEntropy", "SoftVotingEnsemble (both)" }, result.Scores.Select(s => s.Name));
            foreach (var score in result.Scores)
            {
                Assert.InRange(score.Accuracy, 0, 1);
                // Six classes, the largest 23.5% of the test rows: every trainer must clearly beat always guessing it.
                Assert.True(score.Accuracy > result.MajorityClassAccuracy + 0.3, $"{score.Name}: {score.Accuracy:P2} vs majority class {result.MajorityClassAccuracy:P2}");
                Assert.True(double.IsFinite(score.LogLoss) && score.LogLoss >= 0, $"{score.Name}: log-loss {score.LogLoss}");
            }
            Assert.Contains("LbfgsMaximumEntropy", _printed.ToString());
        }
    }
}
