using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// Format stability: every model zip ever committed under GoldenModels/v{N}/ loads with the parameters it was saved
    /// with (bit for bit, on any CPU) and gives the scores it gave when written (bit for bit where scoring runs the same
    /// SIMD code as the writer's machine). A format change that breaks an old file fails here. A deliberate change to the
    /// scoring arithmetic (not the format) may move score bits while the fingerprint still holds: then re-record the
    /// scores in the expected files in a commit that says so, never the zips.
    /// </summary>
    public class GoldenModelTests
    {
        private readonly ITestOutputHelper _output;

        public GoldenModelTests(ITestOutputHelper output) => _output = output;

        public static TheoryData<int, string> Files()
        {
            var data = new TheoryData<int, string>();
            foreach (int version in new[] { 1, 2, 3, 4, 5 })
                foreach (string kind in GoldenModels.KindsOf(version))
                    data.Add(version, kind);
            return data;
        }

        [Theory]
        [MemberData(nameof(Files))]
        public void GoldenModelLoadsWithItsParametersAndScoresBitForBit(int version, string kind)
        {
            var expected = GoldenModels.ReadExpected(version, kind);
            Assert.Equal(version, expected.FormatVersion);
            var ml = new MLContext(seed: 1);
            var model = ml.Model.Load(GoldenModels.ZipPath(version, kind), out var schema);
            Assert.NotNull(schema);

            Assert.Equal(expected.Fingerprint, GoldenModels.Fingerprint(GoldenModels.Predictor(model)));
            // Format 4 added the feature scaling, feature means and settings (its golden Mlps all scale); older files load without them.
            var mlps = GoldenModels.Mlps(GoldenModels.Predictor(model)).ToArray();
            Assert.NotEmpty(mlps);
            foreach (var mlp in mlps)
            {
                var scaling = (Microsoft.ML.Trainers.Mlp.MlpFeatureScaling)mlp.GetType().GetProperty("FeatureScaling").GetValue(mlp);
                var settings = (string)mlp.GetType().GetProperty("TrainingSettings").GetValue(mlp);
                var means = (System.Collections.Generic.IReadOnlyList<float>)mlp.GetType().GetProperty("FeatureMeans").GetValue(mlp);
                Assert.Equal(version >= 4, means != null);
                Assert.Equal(version >= 4 ? Microsoft.ML.Trainers.Mlp.MlpFeatureScaling.Robust : Microsoft.ML.Trainers.Mlp.MlpFeatureScaling.None, scaling);
                var embedding = (Microsoft.ML.Trainers.Mlp.MlpNumericEmbedding)mlp.GetType().GetProperty("NumericEmbedding").GetValue(mlp);
                Assert.Equal(kind == "mlp-embedding" ? Microsoft.ML.Trainers.Mlp.MlpNumericEmbedding.PiecewiseLinear : Microsoft.ML.Trainers.Mlp.MlpNumericEmbedding.None, embedding);
                if (version >= 4)
                    Assert.Contains("FeatureScaling Robust", settings);
                else
                    Assert.Equal("", settings);
            }

            var scores = GoldenModels.Scores(model, ml, kind);
            var want = expected.ScoreValues();
            Assert.Equal(want.Length, scores.Length);
            if (expected.SimdProfile == GoldenModels.SimdProfile())
            {
                Assert.Equal(expected.Scores, GoldenModels.Expected.Hex(scores));
            }
            else
            {
                // Same parameters (fingerprint above), other reduction order: scores agree to float rounding.
                _output.WriteLine($"SIMD profile {GoldenModels.SimdProfile()} differs from the writer's {expected.SimdProfile}: comparing to 1e-5.");
                for (int r = 0; r < want.Length; r++)
                    for (int c = 0; c < want[r].Length; c++)
                        Assert.True(Math.Abs(want[r][c] - scores[r][c]) <= 1e-5f, $"row {r} class {c}: {scores[r][c]} vs {want[r][c]}");
            }
            Assert.All(scores.SelectMany(s => s), p => Assert.True(float.IsFinite(p)));
        }
    }
}
