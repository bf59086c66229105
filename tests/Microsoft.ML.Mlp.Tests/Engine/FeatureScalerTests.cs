using System;
using System.Linq;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary><see cref="FeatureScaler"/> and <see cref="FeatureScalerFit"/> alone: the fitted statistics, the clip, sparse rows.</summary>
    public class FeatureScalerTests
    {
        /// <summary>Rows × 3 features, row-major: 1..9; eight zeros and a 10; a constant 7.</summary>
        private static TrainingData Dense()
        {
            const int rows = 9;
            var features = new float[rows * 3];
            for (int r = 0; r < rows; r++)
            {
                features[r * 3] = r + 1;
                features[r * 3 + 1] = r == 4 ? 10 : 0;
                features[r * 3 + 2] = 7;
            }
            return new TrainingData(features, new float[rows], null, rows, 3);
        }

        [Fact]
        public void DenseFeaturesAreCentredOnTheMedianAndScaledByTheInterquartileRangeThenHalfTheRangeThenOne()
        {
            var scaler = FeatureScalerFit.Fit(Dense());

            // 1..9: median 5, quartiles 3 and 7, s = 4 / 1.349.
            Assert.Equal(5f, scaler.Center[0]);
            Assert.Equal((float)(1 / (4 / 1.349)), scaler.Multiplier[0]);
            // Interquartile range 0: half the range, (10 − 0) / 2.
            Assert.Equal(0f, scaler.Center[1]);
            Assert.Equal(0.2f, scaler.Multiplier[1]);
            // Constant: 1, centred on the constant.
            Assert.Equal(7f, scaler.Center[2]);
            Assert.Equal(1f, scaler.Multiplier[2]);
            Assert.False(scaler.KeepsZeros);
        }

        [Fact]
        public void QuartilesInterpolateBetweenOrderStatistics()
        {
            var values = new[] { 8f, 1f, 4f, 2f };
            Assert.Equal((1.0, 1.75, 3.0, 5.0, 8.0), Quartiles.Of(values)); // 1 + 0.75 · (2 − 1), between 2 and 4, 4 + 0.25 · (8 − 4)
            Assert.Equal((7.0, 7.0, 7.0, 7.0, 7.0), Quartiles.Of(new[] { 7f }));
        }

        [Theory]
        [InlineData(2, 0)]
        [InlineData(3, 0)]
        [InlineData(10, 0)]
        [InlineData(1001, 3)]  // many duplicates
        [InlineData(4096, 0)]
        [InlineData(5000, 1)]  // mostly zeros, as image borders
        public void SelectionGivesTheQuartilesOfTheSortedValues(int count, int kind)
        {
            var random = new Random(count);
            var values = Enumerable.Range(0, count).Select(i => kind switch
            {
                3 => (float)random.Next(4),
                1 => random.NextDouble() < 0.9 ? 0f : (float)random.NextDouble(),
                _ => (float)(random.NextDouble() * 200 - 100),
            }).ToArray();
            var sorted = values.OrderBy(v => v).ToArray();
            double Reference(double p)
            {
                double position = (count - 1) * p;
                int below = (int)Math.Floor(position);
                return sorted[below] + (position - below) * ((double)sorted[Math.Min(below + 1, count - 1)] - sorted[below]);
            }
            Assert.Equal((sorted[0], Reference(0.25), Reference(0.5), Reference(0.75), sorted[^1]), Quartiles.Of(values));
        }

        [Fact]
        public void TheSmoothClipKeepsSmallValuesBendsOutliersTowardsThreeAndNeverOverflows()
        {
            Assert.Equal(0f, FeatureScaler.Scale(5, 5, 2));
            Assert.Equal(0.1f / MathF.Sqrt(1 + (0.1f / 3) * (0.1f / 3)), FeatureScaler.Scale(0.1f, 0, 1), 7);
            Assert.Equal(3 / MathF.Sqrt(2), FeatureScaler.Scale(3, 0, 1), 6);
            Assert.Equal(-FeatureScaler.Scale(3, 0, 1), FeatureScaler.Scale(-3, 0, 1));
            // Finite extremes saturate to ±3 instead of (z/3)² overflowing to ∞ (0, or ∞/∞ = NaN).
            Assert.Equal(3f, FeatureScaler.Scale(1e30f, 0, 1e8f), 5);
            Assert.Equal(3f, FeatureScaler.Scale(float.MaxValue, -float.MaxValue, 1), 5);
            Assert.Equal(-3f, FeatureScaler.Scale(-float.MaxValue, float.MaxValue, 1), 5);
            Assert.True(float.IsNaN(FeatureScaler.Scale(float.NaN, 0, 1)));
            float previous = float.NegativeInfinity;
            for (float x = -100; x <= 100; x += 0.25f)
            {
                float y = FeatureScaler.Scale(x, 0, 1);
                Assert.True(y > previous && Math.Abs(y) < 3, $"{x} → {y}");
                previous = y;
            }
        }

        [Fact]
        public void SparseRowsAreDividedByTheirLargestMagnitudeWithoutCentringAndStaySparse()
        {
            // Three rows of width 4 as non-zeros: feature 3 is never non-zero.
            var rows = new SparseRows(new[] { 0, 2, 3, 5 }, new[] { 0, 2, 1, 0, 2 }, new[] { 2f, -8f, 0.5f, -4f, 4f }, 3, 4);
            var data = new TrainingData(rows, new float[3], null);
            var scaler = FeatureScalerFit.Fit(data);

            Assert.True(scaler.KeepsZeros);
            Assert.Equal(new float[4], scaler.Center.ToArray());
            Assert.Equal(new[] { 0.25f, 2f, 0.125f, 1f }, scaler.Multiplier.ToArray());

            var denseBefore = Enumerable.Range(0, 3).Select(r => { var d = new float[4]; rows.CopyDense(r, d); return d; }).ToArray();
            scaler.Apply(data);
            Assert.Equal(new[] { 0, 2, 1, 0, 2 }, rows.Indices);
            Assert.Equal(5, rows.NonZeroCount);
            Assert.Equal(FeatureScaler.Scale(-8, 0, 0.125f), rows.Values[1]); // −1 before the clip
            // The dense path gives the very bits of the sparse one, zeros staying zeros.
            for (int r = 0; r < 3; r++)
            {
                var dense = new float[4];
                scaler.Apply(denseBefore[r], dense);
                var sparse = new float[4];
                rows.CopyDense(r, sparse);
                Assert.Equal(dense, sparse);
            }
        }

        [Fact]
        public void ACentringScalerRefusesSparseValues()
        {
            var scaler = FeatureScalerFit.Fit(Dense());
            Assert.Throws<InvalidOperationException>(() => scaler.ApplySparse(new[] { 0 }, new[] { 1f }, new float[1]));
        }

        [Fact]
        public void DenseRowsAreScaledInPlaceAsOneRowAtATime()
        {
            var data = Dense();
            var scaler = FeatureScalerFit.Fit(data);
            var copy = (float[])data.Features.Clone();
            scaler.Apply(data);
            for (int r = 0; r < data.RowCount; r++)
            {
                var expected = new float[3];
                scaler.Apply(copy.AsSpan(r * 3, 3), expected);
                Assert.Equal(expected, data.Features.AsSpan(r * 3, 3).ToArray());
            }
            Assert.Equal(0f, data.Features[4 * 3]); // the median row of feature 0
        }

        [Theory]
        [InlineData(60_000, 784, 1)]      // MNIST: all rows (47 M values)
        [InlineData(1_000_000, 784, 12)]  // 85,598 rows fit the budget: every 12th row
        [InlineData(100_000, 5_000, 5)]   // very wide: at least 20,000 rows
        [InlineData(15_000, 50_000, 1)]   // fewer rows than the minimum: all of them
        public void WideOrLongDenseDataIsSubsampledByEveryKthRow(int rows, int width, int step) =>
            Assert.Equal(step, FeatureScalerFit.SampleStep(rows, width));

        [Fact]
        public void NoRowsGiveTheIdentityBeforeTheClip()
        {
            var scaler = FeatureScalerFit.Fit(new TrainingData(Array.Empty<float>(), Array.Empty<float>(), null, 0, 2));
            Assert.Equal(new[] { 0f, 0f }, scaler.Center.ToArray());
            Assert.Equal(new[] { 1f, 1f }, scaler.Multiplier.ToArray());
        }
    }
}
