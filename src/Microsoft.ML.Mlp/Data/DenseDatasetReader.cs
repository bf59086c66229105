using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>
    /// Reads a role-mapped IDataView once into contiguous arrays (the layout the engine copies into one tensor).
    /// Uses ML.NET's own training cursor, so rows with NaN/∞ features, a missing label or a bad weight are
    /// skipped and counted exactly as ML.NET's trainers do. Dense and sparse vectors are both accepted.
    /// </summary>
    internal static class DenseDatasetReader
    {
        public static TrainingData Read(RoleMappedData data, int classCount, IChannel channel, string trainer)
        {
            int width = data.Schema.Feature.Value.Type.GetVectorSize();
            bool weighted = data.Schema.Weight.HasValue;
            long capacity = Math.Max(16, data.Data.GetRowCount() ?? 1024);
            var features = new float[checked(Math.Min(capacity, int.MaxValue / Math.Max(1, width)) * width)];
            var labels = new int[features.Length / Math.Max(1, width)];
            var weights = weighted ? new float[labels.Length] : null;

            int rows = 0;
            var options = CursOpt.Features | CursOpt.Label | (weighted ? CursOpt.Weight : 0);
            using (var cursor = new MulticlassLabelCursor(classCount, data, options))
            {
                while (cursor.MoveNext())
                {
                    if (rows == labels.Length)
                        Grow(ref features, ref labels, ref weights, width, trainer);
                    var row = features.AsSpan(rows * width, width);
                    var values = cursor.Features.GetValues();
                    if (cursor.Features.IsDense)
                        values.CopyTo(row);
                    else
                    {
                        row.Clear();
                        var indices = cursor.Features.GetIndices();
                        for (int i = 0; i < indices.Length; i++)
                            row[indices[i]] = values[i];
                    }
                    labels[rows] = cursor.Label;
                    if (weighted)
                        weights[rows] = cursor.Weight;
                    rows++;
                }

                if (cursor.SkippedRowCount > 0)
                    channel.Warning("{0}: skipped {1} of {2} rows ({3} with NaN or infinite features, {4} with a missing or out-of-range label, {5} with a NaN or negative weight).",
                        trainer, cursor.SkippedRowCount, cursor.SkippedRowCount + cursor.KeptRowCount,
                        cursor.BadFeaturesRowCount, cursor.BadLabelCount, cursor.BadWeightCount);
                if (rows == 0)
                    throw new InvalidOperationException(
                        $"{trainer}: no usable training rows: {cursor.SkippedRowCount} row(s) read, all skipped "
                        + $"({cursor.BadFeaturesRowCount} with NaN or infinite features in '{data.Schema.Feature.Value.Name}', "
                        + $"{cursor.BadLabelCount} with a missing label in '{data.Schema.Label.Value.Name}', {cursor.BadWeightCount} with a bad weight). "
                        + "Provide rows with finite features and a label, e.g. replace missing values with mlContext.Transforms.ReplaceMissingValues.");
            }
            channel.Info("{0}: read {1} rows × {2} features into {3:F1} MB.", trainer, rows, width, rows * (width + 2.0) * 4 / 1e6);
            return new TrainingData(features, labels, weights, rows, width);
        }

        private static void Grow(ref float[] features, ref int[] labels, ref float[] weights, int width, string trainer)
        {
            long maxRows = int.MaxValue / Math.Max(1, width);
            if (labels.Length >= maxRows)
                throw new InvalidOperationException($"{trainer}: the training data has more than {maxRows} rows of {width} features, the most one in-memory dataset holds. Sample the data first.");
            int next = (int)Math.Min(maxRows, labels.Length * 2L);
            Array.Resize(ref features, next * width);
            Array.Resize(ref labels, next);
            if (weights != null)
                Array.Resize(ref weights, next);
        }
    }
}
