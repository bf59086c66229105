using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A cursor over another data view's cursor that knows which source row it is on (0-based, in the source's order):
    /// what the stacking views need to line rows up with their fold and their out-of-fold predictions. Rows the
    /// <see cref="Keep"/> test rejects are skipped; getters and ids are the source's.
    /// </summary>
    internal abstract class SourceRowCursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor _source;
        private long _position = -1;

        protected SourceRowCursor(DataViewRowCursor source) => _source = source;

        /// <summary>The source row the cursor is on.</summary>
        protected long SourceRow { get; private set; } = -1;

        /// <summary>The source cursor, for getters of the columns the view passes through.</summary>
        protected DataViewRowCursor Source => _source;

        public override long Position => _position;

        public override long Batch => _source.Batch;

        /// <summary>Whether source row <paramref name="row"/> belongs to the view.</summary>
        protected virtual bool Keep(long row) => true;

        /// <summary>How many rows the source had when the view was made (what its fold masks or predictions are indexed by).</summary>
        protected abstract long SourceRowCount { get; }

        public override bool MoveNext()
        {
            while (_source.MoveNext())
            {
                SourceRow++;
                if (SourceRow >= SourceRowCount)
                    throw RowCountChanged(SourceRowCount, "more");
                if (Keep(SourceRow))
                {
                    _position++;
                    return true;
                }
            }
            // Fewer rows than the masks and predictions were made for: the positions no longer name the same rows.
            if (SourceRow + 1 != SourceRowCount)
                throw RowCountChanged(SourceRowCount, $"{SourceRow + 1}");
            return false;
        }

        /// <summary>The error for data that reads differently on a later pass (rows are tied to folds and predictions by position).</summary>
        internal static InvalidOperationException RowCountChanged(long expected, string found) =>
            new InvalidOperationException(
                $"StackingEnsemble: the training data gave {found} rows on a later pass, but {expected} when the folds were made; stacking ties "
                + "each row to its fold and its out-of-fold predictions by position, so it needs data that reads the same on every pass. "
                + "Materialise the data first (e.g. mlContext.Data.Cache, or a file) if it is generated or read from a changing source.");

        public override ValueGetter<DataViewRowId> GetIdGetter() => _source.GetIdGetter();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _source.Dispose();
            base.Dispose(disposing);
        }
    }
}
