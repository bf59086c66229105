using System;
using System.Linq;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// ML.NET's own <c>CalculateFeatureContribution</c> on the binary Mlp (inside its calibrated wrapper) and the regression Mlp:
    /// the integrated gradients of the Score from the training mean, 32 steps, with ML.NET's top/bottom selection and
    /// normalisation — the numbers <c>CalculateIntegratedGradients</c> gives at its defaults.
    /// </summary>
    public class FeatureContributionTests
    {
        [Theory]
        [InlineData("binary")]
        [InlineData("regression")]
        public void CalculateFeatureContributionKeepsTheLargestIntegratedGradientsOfTheScore(string kind)
        {
            var c = ExplainFixtures.Get(kind);
            var full = ExplainFixtures.Contributions(c.Ml.Transforms.CalculateIntegratedGradients(c.Model), c.Rows);
            var kept = Contributions(c, top: 3, bottom: 2, normalize: false);
            for (int r = 0; r < full.Length; r++)
            {
                var positive = full[r].Select((v, j) => (v, j)).Where(p => p.v > 0).OrderByDescending(p => p.v).Take(3).Select(p => p.j);
                var negative = full[r].Select((v, j) => (v, j)).Where(p => p.v < 0).OrderBy(p => p.v).Take(2).Select(p => p.j);
                var expected = positive.Concat(negative).ToHashSet();
                Assert.Equal(expected.OrderBy(j => j), kept[r].Select((v, j) => (v, j)).Where(p => p.v != 0).Select(p => p.j));
                foreach (int j in expected)
                    Assert.Equal(full[r][j], kept[r][j], new FloatComparer(1e-6f));
            }
        }

        [Theory]
        [InlineData("binary")]
        [InlineData("regression")]
        public void NormalizeDividesByTheLargestMagnitude(string kind)
        {
            var c = ExplainFixtures.Get(kind);
            var raw = Contributions(c, top: 1000, bottom: 1000, normalize: false);
            var normalized = Contributions(c, top: 1000, bottom: 1000, normalize: true);
            for (int r = 0; r < raw.Length; r++)
            {
                float largest = raw[r].Max(Math.Abs);
                Assert.Equal(1f, normalized[r].Max(Math.Abs), 5);
                Assert.Equal(raw[r].Select(v => v / largest), normalized[r], new FloatComparer(1e-6f));
            }
        }

        /// <summary>ML.NET's transform as a user writes it (its calibrated overload for the binary model).</summary>
        private static float[][] Contributions(ExplainFixtures.Case c, int top, int bottom, bool normalize)
        {
            var ml = c.Ml;
            IEstimator<ITransformer> estimator = c.Model switch
            {
                BinaryPredictionTransformer<CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>> binary =>
                    ml.Transforms.CalculateFeatureContribution(binary, top, bottom, normalize),
                RegressionPredictionTransformer<MlpRegressionModelParameters> regression =>
                    ml.Transforms.CalculateFeatureContribution(regression, top, bottom, normalize),
                _ => throw new ArgumentException(c.Model.GetType().Name),
            };
            return ExplainFixtures.Contributions(estimator, c.Rows);
        }
    }
}
