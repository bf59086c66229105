using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>What a user can get wrong, each refused with a message naming the value and the fix.</summary>
    public class IntegratedGradientsBadInputTests
    {
        [Fact]
        public void AModelOfAnotherPackageIsRefusedNamingItAndWhatToUse()
        {
            var ml = new MLContext(seed: 1);
            var friedman = ExplainFixtures.Friedman(ml, 200, 1);
            var sdca = ml.Regression.Trainers.Sdca().Fit(friedman);
            var ex = Assert.Throws<InvalidOperationException>(() => ml.Transforms.CalculateIntegratedGradients(sdca));
            Assert.Contains("was given a LinearRegressionModelParameters", ex.Message);
            Assert.Contains("use mlContext.Transforms.CalculateFeatureContribution", ex.Message);

            var bayes = ml.MulticlassClassification.Trainers.NaiveBayes().Fit(ExplainFixtures.KeyedDigits(ml, 0, 200));
            ex = Assert.Throws<InvalidOperationException>(() => ml.Transforms.CalculateIntegratedGradients(bayes));
            Assert.Contains("was given a NaiveBayesMulticlassModelParameters", ex.Message);
            Assert.Contains("PermutationFeatureImportance", ex.Message);
        }

        [Fact]
        public void AnEnsembleMemberWithoutAGradientIsNamedWithItsIndexAndType()
        {
            var ml = new MLContext(seed: 1);
            var voting = ml.Regression.Trainers.VotingEnsemble(new IEstimator<ITransformer>[]
            {
                ml.Regression.Trainers.Mlp(ExplainFixtures.Regression(epochs: 2)),
                ml.Regression.Trainers.LightGbm(numberOfIterations: 5),
            }).Fit(ExplainFixtures.Friedman(ml, 300, 1));
            var ex = Assert.Throws<InvalidOperationException>(() => ml.Transforms.CalculateIntegratedGradients(voting));
            Assert.StartsWith("Member 1 of the RegressionVotingModelParameters is a LightGbmRegressionModelParameters, which has no gradient", ex.Message);
        }

        [Fact]
        public void AFeatureColumnOfAnotherLengthIsRefusedNamingBothLengths()
        {
            var c = ExplainFixtures.Get("multiclass");
            var explainer = c.Ml.Transforms.CalculateIntegratedGradients(c.Model).Fit(c.Rows);
            var ex = Assert.Throws<InvalidOperationException>(() => explainer.Transform(ExplainFixtures.Friedman(c.Ml, 5, 1)));
            Assert.Contains("The feature column 'Features' is Vector<Single, 10>, but the MlpMulticlassModelParameters reads a vector of 784 Single values", ex.Message);

            var batch = Assert.Throws<ArgumentOutOfRangeException>(() => explainer.ExplainBatch(new float[785], 1));
            Assert.Contains("not rowCount × 784", batch.Message);
        }

        [Fact]
        public void AClassOutOfRangeOrOnAOneOutputModelIsRefused()
        {
            var multiclass = ExplainFixtures.Get("multiclass");
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => multiclass.Ml.Transforms.CalculateIntegratedGradients(multiclass.Model, classIndex: 10));
            Assert.Equal("classIndex", ex.ParamName);
            Assert.Contains("classIndex is 10 but the MlpMulticlassModelParameters has classes 0 to 9", ex.Message);

            var binary = ExplainFixtures.Get("binary");
            ex = Assert.Throws<ArgumentOutOfRangeException>(() => binary.Ml.Transforms.CalculateIntegratedGradients(binary.Model, classIndex: 1));
            Assert.Contains("the MlpBinaryModelParameters has one output", ex.Message);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-4)]
        public void FewerThanOneStepIsRefused(int steps)
        {
            var c = ExplainFixtures.Get("regression");
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => c.Ml.Transforms.CalculateIntegratedGradients(c.Model, steps: steps));
            Assert.Equal("steps", ex.ParamName);
            Assert.Contains($"steps is {steps}, but integrated gradients need at least 1 step", ex.Message);
        }

        [Fact]
        public void ABaselineOfAnotherLengthOrNotFiniteIsRefused()
        {
            var c = ExplainFixtures.Get("regression");
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => c.Ml.Transforms.CalculateIntegratedGradients(c.Model, baseline: new float[9]));
            Assert.Contains("baseline has 9 values but the MlpRegressionModelParameters reads 10 features", ex.Message);
            var nan = new float[10];
            nan[4] = float.NaN;
            ex = Assert.Throws<ArgumentOutOfRangeException>(() => c.Ml.Transforms.CalculateIntegratedGradients(c.Model, baseline: nan));
            Assert.Contains("baseline[4] is NaN", ex.Message);
        }

        [Fact]
        public void ExplainBatchGivesThePipelinesContributions()
        {
            var c = ExplainFixtures.Get("multiclass-voting");
            var explainer = c.Ml.Transforms.CalculateIntegratedGradients(c.Model, steps: 16).Fit(c.Rows);
            var piped = explainer.Transform(c.Rows).GetColumn<float[]>("FeatureContributions").ToArray(); // as the README reads it
            var features = ExplainFixtures.Features(c.Rows);
            var batch = explainer.ExplainBatch(features.SelectMany(f => f).ToArray(), features.Length);
            for (int r = 0; r < features.Length; r++)
                Assert.Equal(piped[r], batch.Skip(r * 784).Take(784), new FloatComparer(1e-5f));
        }
    }
}
