using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Model.Save / Model.Load round trips, in this process and in a fresh one.</summary>
    public class SaveLoadTests
    {
        [Fact]
        public void SavedPipelineLoadsWithIdenticalScoresAndHistory()
        {
            var ml = TrainedDigits.Ml;
            string path = Path.Combine(Path.GetTempPath(), $"mlp-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(TrainedDigits.Model, TrainedDigits.Train.Schema, path);
                var fresh = new MLContext(seed: 99);
                var loaded = fresh.Model.Load(path, out var schema);
                Assert.Equal(TrainedDigits.Train.Schema.Count, schema.Count);
                Assert.Equal(TrainedDigits.Scores(TrainedDigits.Model, TrainedDigits.Test), TrainedDigits.Scores(loaded, TrainedDigits.Test));

                var mlp = ((TransformerChain<ITransformer>)loaded).OfType<ISingleFeaturePredictionTransformer<object>>().Single().Model as MlpMulticlassModelParameters;
                Assert.NotNull(mlp);
                Assert.Equal(TrainedDigits.Mlp.HiddenLayerSizes, mlp.HiddenLayerSizes);
                Assert.Equal(TrainedDigits.Mlp.TrainingHistory.Select(h => h.TrainingLoss), mlp.TrainingHistory.Select(h => h.TrainingLoss));
                Assert.Equal(TrainedDigits.Mlp.TrainingHistory.Select(h => h.Duration), mlp.TrainingHistory.Select(h => h.Duration));

                var metrics = fresh.MulticlassClassification.Evaluate(loaded.Transform(TrainedDigits.Test));
                Assert.True(metrics.MicroAccuracy >= TrainedDigits.MinimumAccuracy);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void SavedPipelineLoadsInAFreshProcessWithBitIdenticalScores()
        {
            string path = Path.Combine(Path.GetTempPath(), $"mlp-{Guid.NewGuid():N}.zip");
            try
            {
                TrainedDigits.Ml.Model.Save(TrainedDigits.Model, TrainedDigits.Train.Schema, path);
                var expected = TrainedDigits.Scores(TrainedDigits.Model, Digits.Load(TrainedDigits.Ml, 0, 50));
                var actual = ScoreInFreshProcess(path, 50);
                Assert.Equal(expected.Length, actual.Length);
                for (int i = 0; i < expected.Length; i++)
                    Assert.Equal(expected[i], actual[i]); // exact float equality, printed with "R"
            }
            finally
            {
                File.Delete(path);
            }
        }

        /// <summary>Runs tests/ModelLoadChecker: loads the zip with no registration call and prints the scores of the first
        /// <paramref name="rows"/> digits in the tests' shuffled order (<see cref="Digits"/>; the caller compares the same rows).</summary>
        internal static float[][] ScoreInFreshProcess(string modelPath, int rows)
        {
            // Built by the ProjectReference; its path is what that project reported to our build (EmbedBuildFacts).
            string checker = ThisBuild.Metadata("ModelLoadCheckerPath");
            Assert.True(File.Exists(checker), $"ModelLoadChecker not built at {checker}");
            var run = ChildProcess.Run("dotnet",
                new[] { checker, modelPath, Digits.ImagesPath, Digits.LabelsPath, rows.ToString(CultureInfo.InvariantCulture), "--shuffled" },
                hangGuard: TimeSpan.FromMinutes(5));
            Assert.True(run.ExitCode == 0, $"fresh process exited with {run.ExitCode}:\n{run.StandardError}\n{run.StandardOutput}");
            string output = run.StandardOutput;
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        }
    }
}
