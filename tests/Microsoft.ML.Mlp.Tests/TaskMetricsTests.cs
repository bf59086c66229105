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
            var options = new MlpBinaryTrainer.Options { HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 4, LearningRate = 0.01f, Seed = 3 };

            var plain = ml.BinaryClassification.Trainers.Mlp(options).Fit(train, validation);
            var history = plain.Model.SubModel.TrainingHistory;
            var evaluated = ml.BinaryClassification.Evaluate(plain.Transform(validation));
            _output.WriteLine(string.Join("\n", history));
            Assert.All(history, h => Assert.InRange(h.ValidationAuc.Value, 0, 1));
            Assert.All(history, h => Assert.Null(h.ValidationRmse));
            Assert.Equal(evaluated.AreaUnderRocCurve, history[^1].ValidationAuc.Value, 6);

            options.NumberOfEpochs = 12;
            options.EarlyStoppingPatience = 2;
            options.EarlyStoppingMetric = MlpEarlyStoppingMetric.ValidationAuc;
            var stopped = ml.BinaryClassification.Trainers.Mlp(options).Fit(train, validation);
            var best = stopped.Model.SubModel.TrainingHistory.Max(h => h.ValidationAuc.Value);
            Assert.Equal(best, ml.BinaryClassification.Evaluate(stopped.Transform(validation)).AreaUnderRocCurve, 6);
        }

        [Fact]
        public void RegressionValidationRmseAndRSquaredAreMlNetsAndEarlyStoppingOnRSquaredKeepsTheBestEpoch()
        {
            var ml = new MLContext(seed: 0);
            var train = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(400, 21));
            var validation = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(200, 22));
            var options = new MlpRegressionTrainer.Options { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 4, LearningRate = 0.003f, Seed = 3 };

            var plain = ml.Regression.Trainers.Mlp(options).Fit(train, validation);
            var history = plain.Model.TrainingHistory;
            var evaluated = ml.Regression.Evaluate(plain.Transform(validation));
            _output.WriteLine(string.Join("\n", history.Select(h => $"{h.Epoch}: RMSE {h.ValidationRmse} R² {h.ValidationRSquared}")));
            _output.WriteLine($"ML.NET: RMSE {evaluated.RootMeanSquaredError} R² {evaluated.RSquared}");
            Assert.All(history, h => Assert.Null(h.ValidationAuc));
            Assert.Equal(evaluated.RootMeanSquaredError, history[^1].ValidationRmse.Value, 1e-4 * evaluated.RootMeanSquaredError);
            Assert.Equal(evaluated.RSquared, history[^1].ValidationRSquared.Value, 1e-4);

            options.NumberOfEpochs = 12;
            options.EarlyStoppingPatience = 2;
            options.EarlyStoppingMetric = MlpEarlyStoppingMetric.ValidationRSquared;
            var stopped = ml.Regression.Trainers.Mlp(options).Fit(train, validation);
            var best = stopped.Model.TrainingHistory.Max(h => h.ValidationRSquared.Value);
            Assert.Equal(best, ml.Regression.Evaluate(stopped.Transform(validation)).RSquared, 1e-4);
        }

        [Fact]
        public void AMetricTheTaskDoesNotComputeIsRejectedWithTheChoices()
        {
            var ml = new MLContext(seed: 0);
            var regression = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(50, 1));
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.Mlp(
                new MlpRegressionTrainer.Options { EarlyStoppingMetric = MlpEarlyStoppingMetric.ValidationAccuracy, NumberOfEpochs = 1 }).Fit(regression));
            _output.WriteLine(error.Message);
            Assert.Contains("EarlyStoppingMetric", error.Message);
            Assert.Contains("ValidationRmse", error.Message);

            var digits = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits.Load(ml, 0, 50)).Transform(Digits.Load(ml, 0, 50));
            error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Mlp(
                new MlpTrainer.Options { EarlyStoppingMetric = MlpEarlyStoppingMetric.ValidationAuc, NumberOfEpochs = 1 }).Fit(digits));
            Assert.Contains("ValidationAuc", error.Message);
            Assert.Contains("ValidationAccuracy", error.Message);
        }
    }
}
