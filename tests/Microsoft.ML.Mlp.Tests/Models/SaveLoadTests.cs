using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;
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

        [Theory]
        [InlineData("multiclass")]
        [InlineData("binary")]
        [InlineData("regression")]
        public void RobustScaledModelsLoadWithTheirScalerAndBitIdenticalScoresHereAndInAFreshProcess(string task)
        {
            var ml = new MLContext(seed: 1);
            var model = FitRobust(ml, task);
            string path = Path.Combine(Path.GetTempPath(), $"mlp-robust-{task}-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, null, path);
                var loaded = new MLContext(seed: 5).Model.Load(path, out _);
                var (trained, read) = (ScalingOf(GoldenModels.Predictor(model)), ScalingOf(GoldenModels.Predictor(loaded)));
                Assert.Equal(MlpFeatureScaling.Robust, read.Scaling);
                Assert.Equal(trained.Settings, read.Settings);
                Assert.Contains("FeatureScaling Robust", read.Settings);
                Assert.Equal(trained.Scaler.Center.ToArray(), read.Scaler.Center.ToArray());
                Assert.Equal(trained.Scaler.Multiplier.ToArray(), read.Scaler.Multiplier.ToArray());

                var probes = Digits.Load(ml, 0, 50);
                var expected = ScoresLikeTheChecker(model, probes);
                Assert.Equal(expected, ScoresLikeTheChecker(loaded, probes));
                Assert.Equal(expected, ScoreInFreshProcess(path, 50));
                // The models' own Predict methods scale as the pipeline does.
                var features = Digits.Rows(0, 50).Select(r => r.Features).ToArray();
                Assert.Equal(expected.Select(row => task == "multiclass" ? row : row[..1]), features.Select(f => PredictDirectly(GoldenModels.Predictor(loaded), f)));
            }
            finally
            {
                File.Delete(path);
            }
        }

        /// <summary>A quick model of <paramref name="task"/> on 300 digits with robust feature scaling.</summary>
        private static ITransformer FitRobust(MLContext ml, string task)
        {
            var digits = Digits.Load(ml, 0, 300);
            switch (task)
            {
                case "binary":
                    return ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options(MlpPreset.KerasReference)
                        { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 2, Seed = 2, FeatureScaling = MlpFeatureScaling.Robust }).Fit(BinaryMlpTests.DigitThrees(ml, 0, 300));
                case "regression":
                    return ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options(MlpPreset.KerasReference)
                        { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 2, Seed = 2, FeatureScaling = MlpFeatureScaling.Robust }).Fit(digits);
                default:
                    var options = TrainedDigits.QuickOptions(epochs: 2);
                    options.FeatureScaling = MlpFeatureScaling.Robust;
                    return TrainedDigits.Pipeline(ml, options).Fit(digits);
            }
        }

        /// <summary>The feature scaling and settings of the MLP model inside a predictor (a binary one sits in its calibrator).</summary>
        private static (MlpFeatureScaling Scaling, string Settings, FeatureScaler Scaler) ScalingOf(object predictor) => predictor switch
        {
            CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator> calibrated => ScalingOf(calibrated.SubModel),
            MlpModelParametersBase<float> model => (model.FeatureScaling, model.TrainingSettings, ((ITrainedNetwork)model).FeatureScaler),
            MlpModelParametersBase<VBuffer<float>> model => (model.FeatureScaling, model.TrainingSettings, ((ITrainedNetwork)model).FeatureScaler),
            _ => throw new ArgumentException(predictor.GetType().Name),
        };

        /// <summary>The model's own scoring method: class probabilities, or the binary or regression score.</summary>
        private static float[] PredictDirectly(object predictor, float[] features) => predictor switch
        {
            CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator> calibrated => new[] { calibrated.SubModel.PredictScore(features) },
            MlpRegressionModelParameters regression => new[] { regression.PredictScore(features) },
            MlpMulticlassModelParameters multiclass => multiclass.PredictProbabilities(features),
            _ => throw new ArgumentException(predictor.GetType().Name),
        };

        /// <summary>What ModelLoadChecker prints: per row the Score vector, or a binary model's Score and Probability, or a regression Score.</summary>
        private static float[][] ScoresLikeTheChecker(ITransformer model, IDataView data)
        {
            var scored = model.Transform(data);
            if (scored.Schema["Score"].Type is VectorDataViewType)
                return scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
            var scores = scored.GetColumn<float>("Score").ToArray();
            if (scored.Schema.GetColumnOrNull("Probability") == null)
                return scores.Select(s => new[] { s }).ToArray();
            return scores.Zip(scored.GetColumn<float>("Probability"), (s, p) => new[] { s, p }).ToArray();
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
