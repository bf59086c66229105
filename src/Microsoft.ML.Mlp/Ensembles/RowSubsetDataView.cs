using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// The rows of a data view whose index is marked in a precomputed mask (one fold's training rows), streamed from the
    /// source with no copy: a member trains on it as on any data view. Same schema, same columns, same row order.
    /// </summary>
    internal sealed class RowSubsetDataView : IDataView
    {
        private readonly IDataView _source;
        private readonly bool[] _keep;
        private readonly long _count;

        /// <param name="source">The data view to filter.</param>
        /// <param name="keep">One flag per source row, in the source's order: true keeps the row.</param>
        public RowSubsetDataView(IDataView source, bool[] keep)
        {
            _source = source;
            _keep = keep;
            _count = keep.LongCount(k => k);
        }

        public DataViewSchema Schema => _source.Schema;

        // Row order is what ties a row to its fold, so the view never shuffles; trainers that want shuffling wrap it.
        public bool CanShuffle => false;

        public long? GetRowCount() => _count;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null) =>
            new Cursor(_source.GetRowCursor(columnsNeeded), _keep);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null) =>
            new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : SourceRowCursor
        {
            private readonly bool[] _keep;

            public Cursor(DataViewRowCursor source, bool[] keep) : base(source) => _keep = keep;

            public override DataViewSchema Schema => Source.Schema;

            protected override long SourceRowCount => _keep.LongLength;

            protected override bool Keep(long row) => _keep[row];

            public override bool IsColumnActive(DataViewSchema.Column column) => Source.IsColumnActive(column);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => Source.GetGetter<TValue>(column);
        }
    }
}
