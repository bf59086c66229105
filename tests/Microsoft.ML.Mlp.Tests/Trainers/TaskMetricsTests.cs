using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Per-epoch validation metrics in each task's own terms (binary AUC, regression RMSE and R²), checked against
    /// ML.NET's evaluators on the same rows, and early stopping on them.</summary>
    public class TaskMetricsTests
    {
        private readonly ITestOutputHelper _output;

        public TaskMetricsTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void BinaryValidationAucIsMlNetsAucAndEarlyStoppingOnItKeepsTheBestEpoch()
        {
            var ml = new MLContext(seed: 0);
            var train = BinaryMlpTests.Rings(ml, 400, 11);
            var validation = BinaryMlpTests.Rings(ml, 200, 12);
            var options = new MlpBinaryTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 4, LearningRate = 0.01f, Seed = 3 };

            var plain = ml.BinaryClassification.Trainers.Mlp(options).Fit(train, validation);
            var history = plain.Model.SubModel.TrainingHistory;
            var evaluated = ml.BinaryClassification.Evaluate(plain.Transform(validation));
            _output.WriteLine(string.Join("\n", history));
            Assert.All(history, h => Assert.InRange(h.ValidationAuc.Value, 0, 1));
            Assert.All(history, h => Assert.Null(h.ValidationRmse));
            Assert.Equal(evaluated.AreaUnderRocCurve, history[^1].ValidationAuc.Value, 6);

            // Early stopping on AUC where the network overfits: 150 digits ("is it a 3?"), a wide layer, a high rate. The validation
            // AUC peaks, then falls; the model returned must be the peak's, not the last epoch's.
            IDataView Threes(int skip, int take) => ml.Data.LoadFromEnumerable(
                Digits.Rows(skip, take).Select(d => new BinaryMlpTests.DigitRow { Label = d.Label == 3, Features = d.Features }).ToArray());
            var (small, held) = (Threes(0, 150), Threes(1000, 400));
            var overfit = new MlpBinaryTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = new[] { 64 }, NumberOfEpochs = 40, LearningRate = 0.01f, Seed = 3, DropoutRate = 0,
                EarlyStoppingPatience = 3, EarlyStoppingMetric = MlpEarlyStoppingMetric.ValidationAuc,
            };
            var stopped = ml.BinaryClassification.Trainers.Mlp(overfit).Fit(small, held);
            var stoppedHistory = stopped.Model.SubModel.TrainingHistory;
            _output.WriteLine("stopped: " + string.Join(", ", stoppedHistory.Select(h => h.ValidationAuc.Value.ToString("F5"))));
            var best = stoppedHistory.Max(h => h.ValidationAuc.Value);
            Assert.True(stoppedHistory[^1].ValidationAuc < best, "the run must have gone past its best epoch for the restore to be tested");
            Assert.Equal(best, ml.BinaryClassification.Evaluate(stopped.Transform(held)).AreaUnderRocCurve, 6);
        }

        [Fact]
        public void RegressionValidationRmseAndRSquaredAreMlNetsAndEarlyStoppingOnRSquaredKeepsTheBestEpoch()
        {
            var ml = new MLContext(seed: 0);
            var train = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(400, 21));
            var validation = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(200, 22));
            var options = new MlpRegressionTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 4, LearningRate = 0.003f, Seed = 3 };

            var plain = ml.Regression.Trainers.Mlp(options).Fit(train, validation);
            var history = plain.Model.TrainingHistory;
            var evaluated = ml.Regression.Evaluate(plain.Transform(validation));
            _output.WriteLine(string.Join("\n", history.Select(h => $"{h.Epoch}: RMSE {h.ValidationRmse} R² {h.ValidationRSquared}")));
            _output.WriteLine($"ML.NET: RMSE {evaluated.RootMeanSquaredError} R² {evaluated.RSquared}");
            Assert.All(history, h => Assert.Null(h.ValidationAuc));
            Assert.Equal(evaluated.RootMeanSquaredError, history[^1].ValidationRmse.Value, 1e-4 * evaluated.RootMeanSquaredError);
            Assert.Equal(evaluated.RSquared, history[^1].ValidationRSquared.Value, 1e-4);

            // Early stopping on R² where the network overfits: 60 rows, a wide layer, a high rate; the peak's model must come back.
            var small = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(60, 23));
            var overfit = new MlpRegressionTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = new[] { 128 }, NumberOfEpochs = 80, LearningRate = 0.01f, Seed = 3, DropoutRate = 0, BatchSize = 8,
                EarlyStoppingPatience = 3, EarlyStoppingMetric = MlpEarlyStoppingMetric.ValidationRSquared,
            };
            var stopped = ml.Regression.Trainers.Mlp(overfit).Fit(small, validation);
            var stoppedHistory = stopped.Model.TrainingHistory;
            _output.WriteLine("stopped: " + string.Join(", ", stoppedHistory.Select(h => h.ValidationRSquared.Value.ToString("F5"))));
            var best = stoppedHistory.Max(h => h.ValidationRSquared.Value);
            Assert.True(stoppedHistory[^1].ValidationRSquared < best, "the run must have gone past its best epoch for the restore to be tested");
            Assert.Equal(best, ml.Regression.Evaluate(stopped.Transform(validation)).RSquared, 1e-4);
        }

        [Fact]
        public void AMetricTheTaskDoesNotComputeIsRejectedWithTheChoices()
        {
            var ml = new MLContext(seed: 0);
            var regression = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(50, 1));
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.Mlp(
                new MlpRegressionTrainer.Options(MlpPreset.KerasReference) { EarlyStoppingMetric = MlpEarlyStoppingMetric.ValidationAccuracy, NumberOfEpochs = 1 }).Fit(regression));
            _output.WriteLine(error.Message);
            Assert.Contains("EarlyStoppingMetric", error.Message);
            Assert.Contains("ValidationRmse", error.Message);

            var digits = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits.Load(ml, 0, 50)).Transform(Digits.Load(ml, 0, 50));
            error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Mlp(
                new MlpMulticlassTrainer.Options(MlpPreset.KerasReference) { EarlyStoppingMetric = MlpEarlyStoppingMetric.ValidationAuc, NumberOfEpochs = 1 }).Fit(digits));
            Assert.Contains("ValidationAuc", error.Message);
            Assert.Contains("ValidationAccuracy", error.Message);
        }
    }
}
