using Microsoft.ML.Data;

namespace Microsoft.ML.Trainers.Mlp.Tasks
{
    /// <summary>
    /// One of ML.NET's training cursors (features, label, weight; rows with a missing label or a bad weight skipped and counted
    /// as ML.NET's trainers do) with the label read as the engine stores it: a class index or a value.
    /// </summary>
    internal abstract class LabelCursor
    {
        /// <summary>The underlying ML.NET cursor: features, weight and the skipped-row counts.</summary>
        public abstract FeatureFloatVectorCursor Cursor { get; }

        /// <summary>The current row's label.</summary>
        public abstract float Label { get; }

        /// <summary>Rows skipped so far for a missing or out-of-range label.</summary>
        public abstract long BadLabelCount { get; }

        /// <summary>The one cursor of a set asked for one (counted), or null where the view returned several: then the caller
        /// opens ML.NET's consolidating cursor, which reads the rows in the same order.</summary>
        private static T Only<T>(T[] set) where T : FeatureFloatVectorCursor
        {
            var only = Data.DatasetReader.Only(set);
            if (only != null)
                Data.DatasetReader.CountOneCursorRead();
            return only;
        }

        /// <summary>A key (multiclass) or Boolean (binary) label read as its 0-based class index.</summary>
        internal sealed class Classes : LabelCursor
        {
            private readonly MulticlassLabelCursor _cursor;

            public Classes(RoleMappedData data, CursOpt options, int classCount, bool oneCursor) =>
                _cursor = (oneCursor ? Only(new MulticlassLabelCursor.Factory(classCount, data, options).CreateSet(1)) : null)
                    ?? new MulticlassLabelCursor(classCount, data, options);

            public override FeatureFloatVectorCursor Cursor => _cursor;

            public override float Label => _cursor.Label;

            public override long BadLabelCount => _cursor.BadLabelCount;
        }

        /// <summary>A Single label read as its value (ML.NET's cursor skips NaN labels).</summary>
        internal sealed class Values : LabelCursor
        {
            private readonly FloatLabelCursor _cursor;

            public Values(RoleMappedData data, CursOpt options, bool oneCursor) =>
                _cursor = (oneCursor ? Only(new FloatLabelCursor.Factory(data, options).CreateSet(1)) : null) ?? new FloatLabelCursor(data, options);

            public override FeatureFloatVectorCursor Cursor => _cursor;

            public override float Label => _cursor.Label;

            public override long BadLabelCount => _cursor.BadLabelCount;
        }
    }
}
