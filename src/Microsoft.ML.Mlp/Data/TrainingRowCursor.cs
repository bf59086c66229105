using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>
    /// One pass over a role-mapped IDataView that writes each usable row into an <see cref="IRowStore"/>, its label read as the
    /// task reads it (<see cref="MlpTask.OpenCursor"/>). Rows with NaN/∞ features, a missing label or a bad weight are skipped
    /// and counted exactly as ML.NET's trainers do: ML.NET's own training cursor checks the label, then the weight; the features
    /// are checked by the store, vectorised and in the same pass as the copy (the cursor's value-by-value check cost more than
    /// the copy).
    /// </summary>
    internal sealed class TrainingRowCursor : IDisposable
    {
        private readonly LabelCursor _labels;
        private readonly FeatureFloatVectorCursor _cursor;
        private readonly RoleMappedData _data;
        private long _badFeatures;

        /// <param name="data">The rows.</param>
        /// <param name="task">How the label is read.</param>
        /// <param name="outputWidth">The network's output width (the class count).</param>
        /// <param name="oneCursor">Read on this thread alone (<see cref="DatasetReader.OnOneCursor"/>): the same rows in the same order.</param>
        public TrainingRowCursor(RoleMappedData data, MlpTask task, int outputWidth, bool oneCursor = false)
        {
            _data = data;
            bool weighted = data.Schema.Weight.HasValue;
            // AllowBadFeatures: the cursor still fetches the features (after the label and weight checks, so a row with
            // several faults is counted once, under the same heading as before) but leaves their check to the store.
            var options = CursOpt.Features | CursOpt.Label | CursOpt.AllowBadFeatures | (weighted ? CursOpt.Weight : 0);
            _labels = task.OpenCursor(data, options, outputWidth, oneCursor);
            _cursor = _labels.Cursor;
        }

        /// <summary>The label of the row last committed.</summary>
        public float Label { get; private set; }

        /// <summary>Rows seen so far, kept or skipped, in the data view's order.</summary>
        public long Position { get; private set; }

        /// <summary>Moves to the next usable row for which <paramref name="take"/> (given <see cref="Position"/>) is true and
        /// commits it into <paramref name="store"/>; false at the end of the data.</summary>
        public bool MoveNextInto(IRowStore store, Func<long, bool> take = null)
        {
            while (_cursor.MoveNext())
            {
                long position = Position++;
                if (take != null && !take(position))
                    continue;
                var features = _cursor.Features;
                bool finite = features.IsDense
                    ? store.TryWriteDense(features.GetValues())
                    : store.TryWriteSparse(features.GetIndices(), features.GetValues());
                if (!finite)
                {
                    _badFeatures++;
                    continue;
                }
                Label = _labels.Label;
                store.Commit(Label, _cursor.Weight);
                return true;
            }
            return false;
        }

        /// <summary>The skipped-row warning, or the error when no row was usable.</summary>
        public void Report(int keptRows, IChannel channel, string trainer)
        {
            long skipped = _cursor.SkippedRowCount + _badFeatures;
            long total = _cursor.SkippedRowCount + _cursor.KeptRowCount;
            if (skipped > 0)
                channel.Warning("{0}: skipped {1} of {2} rows ({3} with NaN or infinite features, {4} with a missing or out-of-range label, {5} with a NaN or negative weight).",
                    trainer, skipped, total, _badFeatures, _labels.BadLabelCount, _cursor.BadWeightCount);
            if (keptRows == 0)
                throw new InvalidOperationException(
                    $"{trainer}: no usable training rows: {skipped} row(s) read, all skipped "
                    + $"({_badFeatures} with NaN or infinite features in '{_data.Schema.Feature.Value.Name}', "
                    + $"{_labels.BadLabelCount} with a missing label in '{_data.Schema.Label.Value.Name}', {_cursor.BadWeightCount} with a bad weight). "
                    + "Provide rows with finite features and a label, e.g. replace missing values with mlContext.Transforms.ReplaceMissingValues.");
        }

        public void Dispose() => _cursor.Dispose();
    }
}
