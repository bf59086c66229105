using System;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>Training memory that keeps only each row's non-zeros (<see cref="SparseRows"/>), whether the rows arrive
    /// sparse (FeaturizeText, OneHotEncoding) or dense.</summary>
    internal sealed class SparseRowStore : IRowStore
    {
        private readonly int _width;
        private readonly string _trainer;
        private int[] _starts, _indices;
        private readonly RowLabels _labels;
        private float[] _values;
        private int _rows, _written; // _written: non-zeros of the committed rows plus the row being written

        /// <param name="width">Features per row.</param>
        /// <param name="weighted">Rows carry example weights.</param>
        /// <param name="knownRowCount">Rows expected, or null.</param>
        /// <param name="trainer">Trainer name for messages.</param>
        /// <param name="nonZerosPerRow">Non-zeros a row is expected to hold (measured on the first rows), or null: 8.</param>
        public SparseRowStore(int width, bool weighted, long? knownRowCount, string trainer, double? nonZerosPerRow = null)
        {
            _width = width;
            _trainer = trainer;
            int capacity = (int)Math.Clamp(knownRowCount ?? 1024, 16, Array.MaxLength - 1);
            _starts = new int[capacity + 1];
            _labels = new RowLabels(capacity, weighted, Array.MaxLength - 1); // - 1: the row starts hold one more
            // A quarter over the measured density: later rows denser than the first ones still rarely need a doubling.
            double perRow = nonZerosPerRow is double measured ? measured * 1.25 + 1 : 8;
            _indices = new int[(int)Math.Clamp(capacity * perRow, 1024, Array.MaxLength)];
            _values = new float[_indices.Length];
        }

        public int RowCount => _rows;

        public long NonZeroCount => _starts[_rows];

        public bool TryWriteDense(ReadOnlySpan<float> values)
        {
            if (!FiniteValues.AllFinite(values))
                return false;
            int start = _starts[_rows];
            _written = start;
            for (int i = 0; i < values.Length; i++)
                if (values[i] != 0)
                {
                    Reserve(1);
                    _indices[_written] = i;
                    _values[_written++] = values[i];
                }
            return true;
        }

        public bool TryWriteSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
        {
            if (!FiniteValues.AllFinite(values))
                return false;
            _written = _starts[_rows];
            Reserve(values.Length);
            for (int k = 0; k < values.Length; k++)
                if (values[k] != 0)
                {
                    _indices[_written] = indices[k];
                    _values[_written++] = values[k];
                }
            return true;
        }

        public void Commit(float label, float weight)
        {
            int grown = _labels.Add(_rows, label, weight);
            if (grown > 0)
                Array.Resize(ref _starts, grown + 1);
            _starts[++_rows] = _written;
        }

        public TrainingData ToTrainingData() =>
            new(new SparseRows(_starts, _indices, _values, _rows, _width), _labels.Labels, _labels.Weights);

        private void Reserve(int count)
        {
            long needed = (long)_written + count;
            if (needed <= _indices.Length)
                return;
            if (needed > Array.MaxLength)
                throw new InvalidOperationException($"{_trainer}: the training data has more than {Array.MaxLength:N0} non-zero feature values, the most one in-memory sparse dataset holds. "
                    + "Set TrainingMemoryBudget lower to stream it, or sample the data.");
            int grown = (int)Math.Min(Array.MaxLength, Math.Max(needed, _indices.Length * 2L));
            Array.Resize(ref _indices, grown);
            Array.Resize(ref _values, grown);
        }
    }
}
