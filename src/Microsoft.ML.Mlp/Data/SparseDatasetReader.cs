using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>
    /// Reads a role-mapped IDataView once into <see cref="SparseRows"/>: only each row's non-zeros are kept, whether the
    /// vectors arrive sparse (FeaturizeText, OneHotEncoding) or dense. Same cursor, same skipped-row rules and counts as
    /// <see cref="DenseDatasetReader"/>.
    /// </summary>
    internal static class SparseDatasetReader
    {
        /// <summary>Rows looked at to measure density when the storage is chosen automatically.</summary>
        public const int DensityProbeRows = 1000;

        /// <summary>Below this fraction of non-zeros, <see cref="MlpFeatureStorage.Auto"/> keeps the rows sparse: sparse steps
        /// then cost less than the dense product and the memory is at most 1/5 of a dense copy.</summary>
        public const double SparseDensity = 0.1;

        /// <summary>Fraction of non-zero feature values in the first <see cref="DensityProbeRows"/> usable rows.</summary>
        public static double ProbeDensity(RoleMappedData data, int classCount)
        {
            long nonZeros = 0, values = 0;
            int rows = 0;
            using var cursor = new MulticlassLabelCursor(classCount, data, CursOpt.Features | CursOpt.Label);
            while (rows < DensityProbeRows && cursor.MoveNext())
            {
                nonZeros += CountNonZeros(cursor.Features.GetValues());
                values += cursor.Features.Length;
                rows++;
            }
            return values == 0 ? 1 : (double)nonZeros / values;
        }

        public static TrainingData Read(RoleMappedData data, int classCount, IChannel channel, string trainer)
        {
            int width = data.Schema.Feature.Value.Type.GetVectorSize();
            bool weighted = data.Schema.Weight.HasValue;
            int capacity = (int)Math.Clamp(data.Data.GetRowCount() ?? 1024, 16, int.MaxValue - 1);
            var starts = new int[capacity + 1];
            var labels = new int[capacity];
            var weights = weighted ? new float[capacity] : null;
            var indices = new int[Math.Max(1024, capacity * 8)];
            var values = new float[indices.Length];

            int rows = 0, nonZeros = 0;
            var options = CursOpt.Features | CursOpt.Label | (weighted ? CursOpt.Weight : 0);
            using (var cursor = new MulticlassLabelCursor(classCount, data, options))
            {
                while (cursor.MoveNext())
                {
                    if (rows == labels.Length)
                    {
                        int next = (int)Math.Min(int.MaxValue - 1, labels.Length * 2L);
                        Array.Resize(ref starts, next + 1);
                        Array.Resize(ref labels, next);
                        if (weighted)
                            Array.Resize(ref weights, next);
                    }
                    var rowValues = cursor.Features.GetValues();
                    long needed = (long)nonZeros + rowValues.Length;
                    if (needed > indices.Length)
                    {
                        if (needed > Array.MaxLength)
                            throw new InvalidOperationException($"{trainer}: the training data has more than {Array.MaxLength:N0} non-zero feature values, the most one in-memory sparse dataset holds. Sample the data first.");
                        int grown = (int)Math.Min(Array.MaxLength, Math.Max(needed, indices.Length * 2L));
                        Array.Resize(ref indices, grown);
                        Array.Resize(ref values, grown);
                    }
                    if (cursor.Features.IsDense)
                    {
                        for (int i = 0; i < rowValues.Length; i++)
                            if (rowValues[i] != 0)
                            {
                                indices[nonZeros] = i;
                                values[nonZeros++] = rowValues[i];
                            }
                    }
                    else
                    {
                        var rowIndices = cursor.Features.GetIndices();
                        for (int k = 0; k < rowValues.Length; k++)
                            if (rowValues[k] != 0)
                            {
                                indices[nonZeros] = rowIndices[k];
                                values[nonZeros++] = rowValues[k];
                            }
                    }
                    labels[rows] = cursor.Label;
                    if (weighted)
                        weights[rows] = cursor.Weight;
                    starts[++rows] = nonZeros;
                }
                DatasetReport.AfterReading(cursor, rows, data, channel, trainer);
            }
            channel.Info("{0}: read {1} rows × {2} features as {3:N0} non-zeros ({4:P2}) into {5:F1} MB.", trainer, rows, width, nonZeros,
                (double)nonZeros / Math.Max(1L, (long)rows * width), (nonZeros * 8.0 + rows * 12.0) / 1e6);
            return new TrainingData(new SparseRows(starts, indices, values, rows, width), labels, weights);
        }

        private static int CountNonZeros(ReadOnlySpan<float> values)
        {
            int count = 0;
            foreach (float v in values)
                if (v != 0)
                    count++;
            return count;
        }
    }
}
