using System;
using System.Linq;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Integrated gradients where the answer is known: a model without hidden layers, and make_friedman1, where
    /// only 5 of the 10 features matter.</summary>
    public class KnownStructureTests
    {
        private readonly ITestOutputHelper _output;

        public KnownStructureTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void WithoutHiddenLayersTheRegressionContributionsAreTheWeightsTimesTheDistanceFromTheBaseline()
        {
            var ml = new MLContext(seed: 1);
            var options = new MlpRegressionTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = Array.Empty<int>(), FeatureScaling = MlpFeatureScaling.None, NumberOfEpochs = 5, Seed = 1,
            };
            var model = ml.Regression.Trainers.Mlp(options).Fit(ExplainFixtures.Friedman(ml, 500, 1));
            var rows = ExplainFixtures.Friedman(ml, 8, 2);
            var baseline = Enumerable.Range(0, 10).Select(j => 0.1f * j).ToArray();
            var contributions = ExplainFixtures.Contributions(ml.Transforms.CalculateIntegratedGradients(model, steps: 3, baseline: baseline), rows);
            // Score = sd · (w · x + b) + mean: each feature contributes sd · w_j · (x_j − b_j), whatever the step count.
            var weights = model.Model.Network.Layers[0].Weight;
            float sd = (float)model.Model.LabelStandardDeviation;
            var features = ExplainFixtures.Features(rows);
            for (int r = 0; r < features.Length; r++)
                for (int j = 0; j < 10; j++)
                    Assert.Equal(sd * weights[j] * (features[r][j] - baseline[j]), contributions[r][j], new FloatComparer(1e-5f));
        }

        [Fact]
        public void WithoutHiddenLayersTheBinaryContributionsAreTheLogitWeightsTimesTheDistanceFromTheBaseline()
        {
            var ml = new MLContext(seed: 1);
            var options = new MlpBinaryTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = Array.Empty<int>(), FeatureScaling = MlpFeatureScaling.None, NumberOfEpochs = 2, Seed = 1,
            };
            var model = ml.BinaryClassification.Trainers.Mlp(options).Fit(BinarySoftVotingEnsembleTests.DigitThrees(ml, 0, 500));
            var rows = BinarySoftVotingEnsembleTests.DigitThrees(ml, 500, 4);
            var contributions = ExplainFixtures.Contributions(ml.Transforms.CalculateIntegratedGradients(model, steps: 1), rows);
            // Score = z₁ − z₀ = (w₁ − w₀) · x + (b₁ − b₀); the default baseline is the training rows' mean.
            var weights = model.Model.SubModel.Network.Layers[0].Weight;
            var baseline = model.Model.SubModel.FeatureMeans;
            var features = ExplainFixtures.Features(rows);
            for (int r = 0; r < features.Length; r++)
                for (int j = 0; j < 784; j++)
                    Assert.Equal((weights[784 + j] - weights[j]) * (features[r][j] - baseline[j]), contributions[r][j], new FloatComparer(1e-5f));
        }

        [Fact]
        public void OnFriedman1TheFiveInformativeFeaturesCarryAtLeast95PercentOfTheAttribution()
        {
            var c = ExplainFixtures.Get("regression");
            var rows = ExplainFixtures.Friedman(c.Ml, 200, 3);
            var contributions = ExplainFixtures.Contributions(c.Ml.Transforms.CalculateIntegratedGradients(c.Model), rows);
            var mass = Enumerable.Range(0, 10).Select(j => contributions.Average(row => Math.Abs(row[j]))).ToArray();
            double informative = mass.Take(5).Sum() / mass.Sum();
            _output.WriteLine("mean |attribution| per feature: " + string.Join(", ", mass.Select(m => m.ToString("F3"))) + $"; informative share {informative:P2}");
            Assert.True(informative >= 0.95, $"the 5 informative features carry {informative:P2} of the attribution mass");
        }
    }
}
