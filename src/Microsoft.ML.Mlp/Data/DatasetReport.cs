using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>What every dataset reader says after its pass: the skipped-row warning, or the error when nothing is usable.</summary>
    internal static class DatasetReport
    {
        public static void AfterReading(MulticlassLabelCursor cursor, int rows, RoleMappedData data, IChannel channel, string trainer)
        {
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
    }
}
