using System;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The first layer of the fast path over <see cref="SparseRows"/>: the forward product adds one kernel row per
    /// non-zero (z_r = b + Σ_k v_k · W[i_k, :]) and the weight gradient touches only the kernel rows the batch uses, so
    /// no batch is ever made dense and a step costs O(non-zeros × width), not O(inputs × width). The gradient buffer's
    /// first-layer block is kept zero outside the touched rows; <see cref="TouchedRows"/> tells the optimizer (lazy
    /// updates) and gradient clipping where the rest of it is.
    /// </summary>
    internal sealed class SparseFirstLayer
    {
        private SparseRows _rows;
        private readonly ParameterStore _store;
        private readonly int _inputs, _width;
        private readonly int[][] _touched;     // per member: kernel rows the current step touched
        private readonly int[] _touchedCount;
        private readonly int[][] _lastTouched; // per member, per input: the step that last touched it (dedupes the list)
        private int _step;

        public SparseFirstLayer(SparseRows rows, ParameterStore store, int members)
        {
            if (store.Layout.FirstKernelsInterleaved)
                throw new ArgumentException("Sparse rows need each member's first kernel as one contiguous block.", nameof(store));
            _rows = rows;
            _store = store;
            var arch = store.Layout.Architecture;
            _inputs = arch.InputSize;
            _width = arch.LayerOutput(0);
            _touched = new int[members][];
            _lastTouched = new int[members][];
            _touchedCount = new int[members];
            for (int m = 0; m < members; m++)
            {
                _touched[m] = new int[Math.Min(_inputs, 1024)];
                _lastTouched[m] = new int[_inputs];
            }
        }

        /// <summary>Reads another block of rows from the next step on (streaming).</summary>
        public void SetRows(SparseRows rows) => _rows = rows;

        /// <summary>Kernel rows (inputs) member <paramref name="member"/>'s last step touched, unordered.</summary>
        public ReadOnlySpan<int> TouchedRows(int member) => _touched[member].AsSpan(0, _touchedCount[member]);

        /// <summary>Starts a step: clears the gradient rows the previous step wrote, so the block is all zero again.</summary>
        public void BeginStep()
        {
            for (int m = 0; m < _touched.Length; m++)
            {
                var gradient = Kernel(_store.Gradients, m);
                foreach (int i in TouchedRows(m))
                    gradient.Slice(i * _width, _width).Clear();
                _touchedCount[m] = 0;
            }
            _step++;
        }

        /// <summary>z (member <paramref name="member"/>'s [count, width] block, bias already in it) += rows · W.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public void Forward(int member, ReadOnlySpan<int> batchRows, Span<float> z)
        {
            var kernel = Kernel(_store.Parameters, member);
            for (int r = 0; r < batchRows.Length; r++)
            {
                var indices = _rows.RowIndices(batchRows[r]);
                var values = _rows.RowValues(batchRows[r]);
                var output = z.Slice(r * _width, _width);
                for (int k = 0; k < indices.Length; k++)
                    Kernels.AddScaled(kernel.Slice(indices[k] * _width, _width), values[k], output);
            }
        }

        /// <summary>dW[i, :] += v · dz_r for every non-zero (i, v) of every batch row; records the touched rows.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public void Backward(int member, ReadOnlySpan<int> batchRows, ReadOnlySpan<float> dz)
        {
            var gradient = Kernel(_store.Gradients, member);
            var last = _lastTouched[member];
            for (int r = 0; r < batchRows.Length; r++)
            {
                var indices = _rows.RowIndices(batchRows[r]);
                var values = _rows.RowValues(batchRows[r]);
                var delta = dz.Slice(r * _width, _width);
                for (int k = 0; k < indices.Length; k++)
                {
                    int i = indices[k];
                    if (last[i] != _step)
                    {
                        last[i] = _step;
                        Record(member, i);
                    }
                    var row = gradient.Slice(i * _width, _width);
                    Kernels.AddScaled(delta, values[k], row);
                }
            }
        }

        private void Record(int member, int input)
        {
            if (_touchedCount[member] == _touched[member].Length)
                Array.Resize(ref _touched[member], Math.Min(_inputs, _touched[member].Length * 2));
            _touched[member][_touchedCount[member]++] = input;
        }

        private Span<float> Kernel(AlignedBuffer buffer, int member) => buffer.AsSpan(_store.KernelOffset(0, member), _inputs * _width);
    }
}
