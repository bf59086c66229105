using System;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Early stopping on a metric the validation data cannot give (AUC of one class, R² of constant labels) fails clearly instead of monitoring NaN.</summary>
    public class ValidationAucTests
    {
        [Fact]
        public void EarlyStoppingOnAucWithOneClassValidationDataFailsClearly()
        {
            var ml = new MLContext(seed: 0);
            var train = BinaryMlpTests.Rings(ml, 200, 11);
            var rows = ml.Data.CreateEnumerable<BinaryMlpTests.PointRow>(BinaryMlpTests.Rings(ml, 100, 12), reuseRowObject: false).Where(r => r.Label).ToArray();
            var validation = ml.Data.LoadFromEnumerable(rows);
            var options = new MlpBinaryTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 6, Seed = 3,
                EarlyStoppingPatience = 2, EarlyStoppingMetric = MlpEarlyStoppingMetric.ValidationAuc,
            };

            // Before: AUC is undefined (null), the stopper monitored NaN, never saw an improvement, stopped after the patience
            // and silently returned the first epoch's weights.
            var ex = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Mlp(options).Fit(train, validation));
            Assert.Contains("ValidationAuc", ex.Message);
            Assert.Contains("one class", ex.Message);

            // Nothing watches the metric without early stopping or ReduceOnPlateau: training runs, the history says AUC is undefined.
            options.EarlyStoppingPatience = 0;
            var model = ml.BinaryClassification.Trainers.Mlp(options).Fit(train, validation);
            Assert.Equal(6, model.Model.SubModel.TrainingHistory.Count);
            Assert.All(model.Model.SubModel.TrainingHistory, h => Assert.Null(h.ValidationAuc));
        }

        [Fact]
        public void EarlyStoppingOnRSquaredWithAConstantValidationLabelFailsClearly()
        {
            var ml = new MLContext(seed: 0);
            var train = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(200, 21));
            var constant = RegressionMlpTests.Friedman1(50, 22);
            foreach (var row in constant)
                row.Label = 3;
            var options = new MlpRegressionTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 6, Seed = 3,
                EarlyStoppingPatience = 2, EarlyStoppingMetric = MlpEarlyStoppingMetric.ValidationRSquared,
            };

            // Before: R² is NaN when the validation labels do not vary; the stopper kept epoch 1's weights without a word.
            var ex = Assert.Throws<InvalidOperationException>(() => ml.Regression.Trainers.Mlp(options).Fit(train, ml.Data.LoadFromEnumerable(constant)));
            Assert.Contains("ValidationRSquared", ex.Message);
            Assert.Contains("ValidationRmse", ex.Message);
        }
    }
}
