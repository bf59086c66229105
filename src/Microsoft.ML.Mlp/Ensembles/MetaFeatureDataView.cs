using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// The meta-model's training data: the source's label column (same type and annotations, so a key label keeps its
    /// classes and names) beside a feature vector of the members' out-of-fold outputs, one row of the prediction matrix
    /// per source row. The label streams from the source; the features come from the matrix.
    /// </summary>
    internal sealed class MetaFeatureDataView : IDataView
    {
        private readonly IDataView _source;
        private readonly DataViewSchema.Column _label;
        private readonly float[] _features;
        private readonly int _width;
        private readonly long _rows;

        /// <param name="source">The training data (read for its label).</param>
        /// <param name="labelColumn">The label column, copied as it is.</param>
        /// <param name="featureColumn">Name of the meta feature vector column.</param>
        /// <param name="features">Row-major matrix: row r's meta features are [r·width, (r+1)·width).</param>
        /// <param name="width">Meta features per row.</param>
        public MetaFeatureDataView(IDataView source, string labelColumn, string featureColumn, float[] features, int width)
        {
            _source = source;
            _label = source.Schema[labelColumn];
            _features = features;
            _width = width;
            _rows = features.Length / width;
            var builder = new DataViewSchema.Builder();
            builder.AddColumn(_label.Name, _label.Type, _label.Annotations);
            builder.AddColumn(featureColumn, new VectorDataViewType(NumberDataViewType.Single, width));
            Schema = builder.ToSchema();
        }

        public DataViewSchema Schema { get; }

        public bool CanShuffle => false;

        public long? GetRowCount() => _rows;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null)
        {
            var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
            var source = _source.GetRowCursor(needed.Contains(0) ? new[] { _label } : Array.Empty<DataViewSchema.Column>());
            return new Cursor(this, source, needed);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null) =>
            new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : SourceRowCursor
        {
            private readonly MetaFeatureDataView _view;
            private readonly HashSet<int> _active;

            public Cursor(MetaFeatureDataView view, DataViewRowCursor source, HashSet<int> active) : base(source)
            {
                _view = view;
                _active = active;
            }

            public override DataViewSchema Schema => _view.Schema;

            protected override long SourceRowCount => _view._rows;

            public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                if (!_active.Contains(column.Index))
                    throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was made.");
                if (column.Index == 0)
                    return Source.GetGetter<TValue>(_view._label);
                ValueGetter<VBuffer<float>> features = (ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, _view._width);
                    _view._features.AsSpan(checked((int)(SourceRow * _view._width)), _view._width).CopyTo(editor.Values);
                    value = editor.Commit();
                };
                return features as ValueGetter<TValue>
                    ?? throw new InvalidOperationException($"Column '{column.Name}' is a vector of Single, not {typeof(TValue).Name}.");
            }
        }
    }
}
