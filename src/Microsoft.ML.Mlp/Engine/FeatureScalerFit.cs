using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Fits a <see cref="FeatureScaler"/> on training rows, deterministically. Dense rows: center = the median, scale = the
    /// interquartile range / 1.349 (the standard deviation for normal data), else half the range, else 1 (a constant feature);
    /// exact quantiles (<see cref="Quartiles"/>). Sparse rows: no
    /// centring (so zeros stay zeros), scale = the largest |value| (1 for a feature that is never non-zero).
    /// </summary>
    internal static class FeatureScalerFit
    {
        /// <summary>The interquartile range of a normal distribution in standard deviations.</summary>
        public const double NormalInterquartileRange = 1.349;

        /// <summary>Values sorted at most (rows × features): wider or longer dense data is subsampled by rows.</summary>
        public const long MaximumSampleValues = 1L << 26;

        /// <summary>Rows a subsample keeps at least (however wide the rows), when there are that many.</summary>
        public const int MinimumSampleRows = 20_000;

        /// <summary>The scaler of <paramref name="data"/>'s rows, dense or sparse as they are held; no rows give center 0, multiplier 1.</summary>
        public static FeatureScaler Fit(TrainingData data) =>
            data.Sparse != null ? FitSparse(data.Sparse) : FitDense(data.Features, data.RowCount, data.FeatureCount);

        /// <summary>Every <see cref="SampleStep"/>-th row from the first: all rows unless rows × width exceeds
        /// <see cref="MaximumSampleValues"/>, and never fewer than <see cref="MinimumSampleRows"/>.</summary>
        public static int SampleStep(int rows, int width)
        {
            if ((long)rows * width <= MaximumSampleValues || rows <= MinimumSampleRows)
                return 1;
            long keep = Math.Max(MinimumSampleRows, MaximumSampleValues / Math.Max(1, width));
            return (int)Math.Max(1, (rows + keep - 1) / keep);
        }

        /// <summary><paramref name="scaler"/> (dense, fitted on <paramref name="data"/>) with a piecewise-linear encoding of up to
        /// <paramref name="bins"/> quantile bins per feature, fitted on the same rows (<see cref="SampleStep"/>) as they scale.</summary>
        public static FeatureScaler WithEncoding(FeatureScaler scaler, TrainingData data, int bins)
        {
            if (data.Sparse != null)
                throw new InvalidOperationException("A piecewise-linear encoding is fitted on dense rows.");
            var center = scaler.Center.ToArray();
            var multiplier = scaler.Multiplier.ToArray();
            var encoding = new PiecewiseLinearEncoding.Builder(bins);
            ForEachSampledColumn(data.Features, data.RowCount, data.FeatureCount, (feature, values) =>
            {
                for (int k = 0; k < values.Length; k++)
                    values[k] = FeatureScaler.Scale(values[k], center[feature], multiplier[feature]);
                encoding.Add(feature, values);
            });
            return new FeatureScaler(center, multiplier, encoding.Build());
        }

        /// <summary>What <see cref="ForEachSampledColumn"/> hands over: one feature's sampled values, free to rewrite.</summary>
        private delegate void ColumnVisitor(int feature, Span<float> values);

        /// <summary>Each feature's values over every <see cref="SampleStep"/>-th row, in feature order; gathered
        /// <see cref="GatherWidth"/> columns per pass over the rows, so a wide table is not read once per feature.</summary>
        private static void ForEachSampledColumn(float[] features, int rows, int width, ColumnVisitor visit)
        {
            int step = SampleStep(rows, width);
            int used = rows == 0 ? 0 : (rows - 1) / step + 1;
            var columns = new float[Math.Min(GatherWidth, width) * used];
            for (int first = 0; first < width; first += GatherWidth)
            {
                int count = Math.Min(GatherWidth, width - first);
                for (int k = 0; k < used; k++)
                {
                    long row = (long)k * step * width + first;
                    for (int c = 0; c < count; c++)
                        columns[c * used + k] = features[row + c];
                }
                for (int c = 0; c < count; c++)
                    visit(first + c, columns.AsSpan(c * used, used));
            }
        }

        /// <summary>Features a column pass gathers at once: one cache line of each row, read in row order.</summary>
        private const int GatherWidth = 16;

        private static FeatureScaler FitDense(float[] features, int rows, int width)
        {
            var center = new float[width];
            var multiplier = new float[width];
            ForEachSampledColumn(features, rows, width, (feature, values) =>
            {
                if (values.Length == 0)
                {
                    multiplier[feature] = 1;
                    return;
                }
                var (min, q25, median, q75, max) = Quartiles.Of(values);
                center[feature] = (float)median;
                multiplier[feature] = Multiplier((q75 - q25) / NormalInterquartileRange, (max - min) / 2);
            });
            return new FeatureScaler(center, multiplier);
        }

        private static FeatureScaler FitSparse(SparseRows rows)
        {
            var largest = new float[rows.Width];
            long nonZeros = rows.NonZeroCount;
            for (long k = 0; k < nonZeros; k++)
                largest[rows.Indices[k]] = Math.Max(largest[rows.Indices[k]], Math.Abs(rows.Values[k]));
            var multiplier = new float[rows.Width];
            for (int j = 0; j < multiplier.Length; j++)
                multiplier[j] = Multiplier(largest[j]);
            return new FeatureScaler(new float[rows.Width], multiplier);
        }

        /// <summary>1 / <paramref name="scale"/>, else 1 / <paramref name="fallback"/>, whichever first is a finite float &gt; 0;
        /// 1 when neither is (a constant feature).</summary>
        private static float Multiplier(double scale, double fallback = 0) => Inverse(scale) ?? Inverse(fallback) ?? 1f;

        private static float? Inverse(double scale)
        {
            float multiplier = (float)(1 / scale);
            return scale > 0 && float.IsFinite(multiplier) && multiplier > 0 ? multiplier : null;
        }
    }
}
