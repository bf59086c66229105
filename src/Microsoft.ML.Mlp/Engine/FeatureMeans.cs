using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>The per-feature mean of training rows as read (before any scaling), unweighted, summed in double: a model
    /// keeps it as integrated gradients' default baseline, "an average row".</summary>
    internal static class FeatureMeans
    {
        /// <summary>The means of <paramref name="data"/>'s rows (sparse rows count their zeros); all zeros when there are no rows.</summary>
        public static float[] Of(TrainingData data)
        {
            var sums = new double[data.FeatureCount];
            if (data.Sparse is { } sparse)
            {
                long nonZeros = sparse.NonZeroCount;
                for (long k = 0; k < nonZeros; k++)
                    sums[sparse.Indices[k]] += sparse.Values[k];
            }
            else
            {
                for (int r = 0; r < data.RowCount; r++)
                {
                    var row = data.Features.AsSpan(r * data.FeatureCount, data.FeatureCount);
                    for (int j = 0; j < row.Length; j++)
                        sums[j] += row[j];
                }
            }
            var means = new float[sums.Length];
            for (int j = 0; j < means.Length && data.RowCount > 0; j++)
                means[j] = (float)(sums[j] / data.RowCount);
            return means;
        }
    }
}
