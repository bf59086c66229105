using System;
using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>
    /// Reads a role-mapped IDataView once into contiguous arrays (the layout the engine copies into one tensor).
    /// Rows with NaN/∞ features, a missing label or a bad weight are skipped and counted exactly as ML.NET's trainers
    /// do: ML.NET's own training cursor checks the label, then the weight; the features are checked here, vectorised
    /// and in the same pass as the copy (the cursor's value-by-value check cost more than the copy). Dense and sparse
    /// vectors are both accepted.
    /// </summary>
    internal static class DenseDatasetReader
    {
        public static TrainingData Read(RoleMappedData data, int classCount, IChannel channel, string trainer)
        {
            var clock = Stopwatch.StartNew();
            int width = data.Schema.Feature.Value.Type.GetVectorSize();
            bool weighted = data.Schema.Weight.HasValue;
            var store = new DenseRowStore(width, weighted, data.Data.GetRowCount(), trainer);

            long badFeatures = 0;
            // AllowBadFeatures: the cursor still fetches the features (after the label and weight checks, so a row
            // with several faults is counted once, under the same heading as before) but leaves their check to us.
            var options = CursOpt.Features | CursOpt.Label | CursOpt.AllowBadFeatures | (weighted ? CursOpt.Weight : 0);
            using (var cursor = new MulticlassLabelCursor(classCount, data, options))
            {
                while (cursor.MoveNext())
                {
                    var features = cursor.Features;
                    bool finite = features.IsDense
                        ? store.TryWriteDense(features.GetValues())
                        : store.TryWriteSparse(features.GetIndices(), features.GetValues());
                    if (finite)
                        store.Commit(cursor.Label, cursor.Weight);
                    else
                        badFeatures++;
                }

                long skipped = cursor.SkippedRowCount + badFeatures;
                long total = cursor.SkippedRowCount + cursor.KeptRowCount;
                if (skipped > 0)
                    channel.Warning("{0}: skipped {1} of {2} rows ({3} with NaN or infinite features, {4} with a missing or out-of-range label, {5} with a NaN or negative weight).",
                        trainer, skipped, total, badFeatures, cursor.BadLabelCount, cursor.BadWeightCount);
                if (store.RowCount == 0)
                    throw new InvalidOperationException(
                        $"{trainer}: no usable training rows: {skipped} row(s) read, all skipped "
                        + $"({badFeatures} with NaN or infinite features in '{data.Schema.Feature.Value.Name}', "
                        + $"{cursor.BadLabelCount} with a missing label in '{data.Schema.Label.Value.Name}', {cursor.BadWeightCount} with a bad weight). "
                        + "Provide rows with finite features and a label, e.g. replace missing values with mlContext.Transforms.ReplaceMissingValues.");
            }
            var dataset = store.ToTrainingData();
            double seconds = clock.Elapsed.TotalSeconds;
            double bytes = dataset.RowCount * (width + (weighted ? 2.0 : 1.0)) * 4;
            channel.Info("{0}: read {1} rows × {2} features into {3:F1} MB in {4:F3} s ({5:F2} GB/s).",
                trainer, dataset.RowCount, width, bytes / 1e6, seconds, bytes / Math.Max(seconds, 1e-9) / 1e9);
            return dataset;
        }
    }
}
