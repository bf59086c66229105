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

        public override bool MoveNext()
        {
            while (_source.MoveNext())
            {
                SourceRow++;
                if (Keep(SourceRow))
                {
                    _position++;
                    return true;
                }
            }
            return false;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => _source.GetIdGetter();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _source.Dispose();
            base.Dispose(disposing);
        }
    }
}
