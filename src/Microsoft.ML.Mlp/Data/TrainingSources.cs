using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>
    /// Decides how a fit holds its rows — dense or sparse (<see cref="MlpFeatureStorage"/>), in memory or streamed in
    /// blocks when they would exceed the training memory budget — and opens the training and validation sources, their labels
    /// read as the task reads them.
    /// </summary>
    internal static class TrainingSources
    {
        /// <summary>Share of the memory the GC may use (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>: physical
        /// memory, or a container's or GCHeapHardLimit's) that training data may take by default.</summary>
        public const double DefaultBudgetShare = 0.25;

        /// <param name="options">Memory budget, validation fraction and batch size.</param>
        /// <param name="profile">Rows, features, density and sparse or dense storage, measured before.</param>
        /// <param name="task">How rows read their label (and whether a validation split is stratified).</param>
        /// <param name="outputWidth">The network's output width (the class count for classification).</param>
        /// <param name="data">Training data.</param>
        /// <param name="validationData">Validation data, or null (then <see cref="RowSourceOptions.ValidationFraction"/> may hold rows out).</param>
        /// <param name="seed">Seed of the validation split.</param>
        /// <param name="channel">Where reading is logged.</param>
        /// <param name="trainer">Trainer name for messages.</param>
        public static (IRowSource Train, IRowSource Validation) Open(RowSourceOptions options, DataProfile profile, MlpTask task, int outputWidth,
            RoleMappedData data, RoleMappedData validationData, int seed, IChannel channel, string trainer)
        {
            var (rows, width, density, sparse) = profile;
            // Sparse rows are stored at a quarter over the measured density (SparseRowStore): budgeted as stored.
            double nonZerosPerRow = density * width * 1.25 + 1;
            double bytesPerRow = (sparse ? nonZerosPerRow * 8 : width * 4.0 * options.WidthFactor) + 8;
            long budget = options.MemoryBudget ?? (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * DefaultBudgetShare);
            // Held-out shares of their own are copies of up to shares × fraction of the rows, beside all of them.
            double needed = rows * bytesPerRow * (options.HeldOutShares > 1 ? 1 + options.HeldOutShares * options.ValidationFraction : 1);

            // Rows binned by an embedding are copied into one array up to (WidthFactor − 1) times their width: it must fit one array.
            // Sparse rows keep all their non-zeros in one array.
            bool fitsOneArray = sparse ? rows * nonZerosPerRow <= Array.MaxLength
                : rows * (double)width * Math.Max(1, options.WidthFactor - 1) <= Array.MaxLength;
            if (needed <= budget && fitsOneArray)
            {
                bool oneCursor = DatasetReader.OnOneCursor(profile);
                var train = DatasetReader.Read(data, task, outputWidth, channel, trainer, sparse, density, oneCursor);
                if (validationData != null)
                    return (new InMemoryRows(train), new InMemoryRows(DatasetReader.Read(validationData, task, outputWidth, channel, trainer + " validation", sparse, density, oneCursor)));
                if (!(options.ValidationFraction > 0))
                    return (new InMemoryRows(train), null);
                // Shares held out network by network are made from all the rows once they are scaled (HeldOutShares.Make).
                if (options.HeldOutShares > 1)
                    return (new InMemoryRows(train), null);
                var (kept, heldOut) = train.Split(options.ValidationFraction, seed, byClass: task.HasClasses);
                channel.Info("{0}: held out {1} of {2} rows{3} for validation.", trainer, heldOut.RowCount, heldOut.RowCount + kept.RowCount,
                    task.HasClasses ? " (stratified)" : "");
                if (kept.RowCount == 0 || heldOut.RowCount == 0)
                    throw new InvalidOperationException($"{trainer}: ValidationFraction {options.ValidationFraction} leaves {kept.RowCount} training and {heldOut.RowCount} validation rows; use more data or another fraction.");
                return (new InMemoryRows(kept), new InMemoryRows(heldOut));
            }

            // A quarter of the budget per block: the block being trained on, the next one being read, and room to spare.
            // Whole batches per block, so that only the last batch of an epoch is short, as in memory.
            int batch = Math.Max(options.BatchSize, 1);
            // A dense block is one array of rows × width floats; a sparse one holds rows × (average non-zeros) values.
            double valuesPerRow = sparse ? Math.Max(1, density * width) : Math.Max(1, width * options.WidthFactor);
            long cap = (long)Math.Min(int.MaxValue - 1, Array.MaxLength / valuesPerRow);
            long blockRows = (long)Math.Clamp(budget / 4 / bytesPerRow, batch, Math.Max(batch, cap));
            blockRows = Math.Max(batch, blockRows / batch * batch);
            channel.Info("{0}: {1:N0} rows × {2} features would take {3:F0} MB, over the training memory budget of {4:F0} MB: streaming them from the data view "
                + "every epoch in blocks of {5:N0} rows, shuffled within each block.", trainer, rows, width, needed / 1e6, budget / 1e6, blockRows);
            if (validationData != null)
                return (new StreamingRows(data, task, outputWidth, sparse, (int)blockRows, channel, trainer, density: density),
                    new StreamingRows(validationData, task, outputWidth, sparse, (int)blockRows, channel, trainer + " validation", density: density));
            if (!(options.ValidationFraction > 0))
                return (new StreamingRows(data, task, outputWidth, sparse, (int)blockRows, channel, trainer, density: density), null);
            var split = new RowSplit(options.ValidationFraction, seed);
            channel.Info("{0}: holding out about {1:P0} of the rows for validation (row by row, seeded; not stratified while streaming).", trainer, options.ValidationFraction);
            return (new StreamingRows(data, task, outputWidth, sparse, (int)blockRows, channel, trainer, p => !split.IsValidation(p), density),
                new StreamingRows(data, task, outputWidth, sparse, (int)blockRows, channel, trainer + " validation", split.IsValidation, density));
        }
    }

    /// <summary>What a trainer's options say about holding its rows: <see cref="TrainingSources.Open"/> reads only these.</summary>
    /// <param name="MemoryBudget">Bytes the rows may take in memory; null for the default share of what the GC may use.</param>
    /// <param name="ValidationFraction">Fraction of the training rows held out for validation when no validation data is given.</param>
    /// <param name="BatchSize">Rows per mini-batch: streamed blocks hold whole batches.</param>
    /// <param name="WidthFactor">How many times its read width a dense row may take once preprocessed: 1, or for a
    /// piecewise-linear embedding of b bins 2 + b (its bins, up to b per feature, beside the row as read while it is encoded).</param>
    /// <param name="HeldOutShares">More than 1: networks hold out shares of their own (<see cref="TrainingData.Folds"/>), so rows
    /// held in memory are returned whole, with no validation source, for the caller to share out once scaled; streamed rows are
    /// split as for one share.</param>
    internal sealed record RowSourceOptions(long? MemoryBudget, float ValidationFraction, int BatchSize, double WidthFactor = 1, int HeldOutShares = 1);
}
