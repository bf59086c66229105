using System;
using System.Collections.Generic;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>
    /// Training memory filled one row at a time. With a known row count the rows go straight into one array of the
    /// final size (no resizing); otherwise into fixed-size blocks joined once at the end, so nothing is copied twice
    /// and the peak stays near twice the data (doubling an array peaks near three times and copies every row again
    /// at each step). A row is written into its slot first and kept by <see cref="Commit"/>; a rejected row's slot is
    /// reused by the next row.
    /// </summary>
    internal sealed class DenseRowStore : IRowStore
    {
        /// <summary>16 MiB of floats per block when the row count is unknown.</summary>
        public const int DefaultBlockFloats = 1 << 22;

        private readonly int _width;
        private readonly string _trainer;
        private readonly long _maxRows;
        private readonly int _blockRows;
        private readonly List<float[]> _fullBlocks = new List<float[]>();
        private float[] _block = Array.Empty<float>();
        private int _rowsInBlock;
        private int _blockCapacity;
        private bool _slotDirty;     // the current slot holds a rejected dense row; zeroed memory is assumed otherwise
        private readonly RowLabels _labels;
        private int _rows;

        /// <param name="width">Features per row.</param>
        /// <param name="weighted">Keep a weight per row.</param>
        /// <param name="knownRowCount">The IDataView's row count when it knows it (rows skipped later only leave spare room).</param>
        /// <param name="trainer">Trainer name for messages.</param>
        /// <param name="blockFloats">Block size when the count is unknown (tests use small blocks).</param>
        public DenseRowStore(int width, bool weighted, long? knownRowCount, string trainer, int blockFloats = DefaultBlockFloats)
        {
            _width = Math.Max(1, width);
            _trainer = trainer;
            _maxRows = Array.MaxLength / _width;
            _blockRows = (int)Math.Clamp(blockFloats / _width, 1, _maxRows);
            int firstBlock = knownRowCount is long known ? (int)Math.Clamp(known, 1, _maxRows) : _blockRows;
            _labels = new RowLabels(Math.Min(firstBlock, 1 << 20), weighted, Array.MaxLength);
            NewBlock(firstBlock);
        }

        public int RowCount => _rows;

        /// <summary>Validates <paramref name="values"/> and copies them into the next row's slot in one pass; false (nothing
        /// to keep) when one is NaN or ±∞.</summary>
        public bool TryWriteDense(ReadOnlySpan<float> values)
        {
            bool finite = FiniteValues.CopyAndCheck(values, Slot());
            _slotDirty = !finite;
            return finite;
        }

        /// <summary>Writes a sparse row (strictly increasing indices, as VBuffer guarantees) into the next row's slot;
        /// false, writing nothing, when a value is NaN or ±∞. Implicit zeros are finite, as in ML.NET's cursor.</summary>
        public bool TryWriteSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
        {
            if (!FiniteValues.AllFinite(values))
                return false;
            var slot = Slot();
            if (_slotDirty)
                slot.Clear();
            for (int i = 0; i < indices.Length; i++)
                slot[indices[i]] = values[i];
            _slotDirty = false;
            return true;
        }

        /// <summary>Keeps the row just written, with its label (class index or value) and weight (ignored when unweighted).</summary>
        public void Commit(float label, float weight)
        {
            _labels.Add(_rows, label, weight);
            _rows++;
            _rowsInBlock++;
            _slotDirty = false;
        }

        /// <summary>The rows kept, as one row-major array (the single block itself when the count was known).</summary>
        public TrainingData ToTrainingData()
        {
            if (_slotDirty)
                Slot().Clear(); // a rejected last row must not leave non-finite values past RowCount
            float[] features;
            if (_fullBlocks.Count == 0)
                features = _block;
            else
            {
                features = Allocate((long)_rows * _width);
                long offset = 0;
                foreach (var block in _fullBlocks)
                {
                    block.AsSpan().CopyTo(features.AsSpan((int)offset));
                    offset += block.Length;
                }
                _block.AsSpan(0, _rowsInBlock * _width).CopyTo(features.AsSpan((int)offset));
                _fullBlocks.Clear();
            }
            var result = new TrainingData(features, _labels.Labels, _labels.Weights, _rows, _width);
            _block = Array.Empty<float>();
            return result;
        }

        private Span<float> Slot()
        {
            if (_rowsInBlock == _blockCapacity)
            {
                if (_rows >= _maxRows)
                    throw new InvalidOperationException($"{_trainer}: the training data has more than {_maxRows} rows of {_width} features, the most one in-memory dataset holds. Sample the data first.");
                _fullBlocks.Add(_block);
                NewBlock((int)Math.Min(_blockRows, _maxRows - _rows));
            }
            return _block.AsSpan(_rowsInBlock * _width, _width);
        }

        /// <summary>A zeroed array (fresh pages are zero already, so sparse rows only write their non-zeros), prepared for
        /// filling; running out of memory says what was being read.</summary>
        private float[] Allocate(long length)
        {
            try
            {
                var array = new float[length];
                FreshMemory.Prepare(array);
                return array;
            }
            catch (OutOfMemoryException e)
            {
                throw new OutOfMemoryException(
                    $"{_trainer}: out of memory copying the training data after {_rows:N0} rows of {_width:N0} features "
                    + $"({(double)_rows * _width * sizeof(float) / (1 << 20):N0} MiB so far; {length * (double)sizeof(float) / (1 << 20):N0} MiB more were asked for). "
                    + "Set the trainer's Options.TrainingMemoryBudget lower (bytes) so that the rows stream from the data view instead of being copied, "
                    + "or use fewer rows (mlContext.Data.TakeRows) or features.", e);
            }
        }

        private void NewBlock(int rows)
        {
            _block = Allocate((long)rows * _width);
            _blockCapacity = rows;
            _rowsInBlock = 0;
        }
    }
}
