using System;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The first layer of the fast path over <see cref="SparseRows"/>: the forward product adds one kernel row per
    /// non-zero (z_r = b + Σ_k v_k · W[i_k, :]) and the weight gradient touches only the kernel rows the batch uses, so
    /// no batch is ever made dense and a step costs O(non-zeros × width), not O(inputs × width). The weight gradient of the
    /// touched rows is kept apart, row after row in the order they were first touched (<see cref="TouchedGradient"/>), so
    /// the gradient buffer's first-layer block — the widest block of a text model, 768 MiB at 3.1M inputs × 64 — is never
    /// written, and so never takes memory, under lazy updates; <see cref="ScatterGradients"/> writes the rows into it for
    /// dense update semantics. <see cref="TouchedRows"/> tells the optimizer and gradient clipping which rows they are.
    /// </summary>
    internal sealed class SparseFirstLayer
    {
        private SparseRows _rows;
        private readonly ParameterStore _store;
        private readonly int _inputs, _width;
        private readonly int[][] _touched;     // per member: kernel rows the current step touched
        private readonly int[] _touchedCount;
        private readonly int[][] _lastTouched; // per member, per input: the step that last touched it (dedupes the list)
        private readonly int[][] _slot;        // per member, per input: its place in the touched list, valid while _lastTouched is this step
        private readonly float[][] _compact;   // per member: the touched rows' gradients, [touched count, width]
        private readonly bool _scattered;      // the gradient buffer's block also holds them (dense update semantics)
        private int _step;

        /// <param name="rows">The first block of rows.</param>
        /// <param name="store">The members' parameters and gradients.</param>
        /// <param name="members">Members stacked in <paramref name="store"/>.</param>
        /// <param name="scatter">Whether <see cref="ScatterGradients"/> will write the touched rows into the gradient buffer
        /// (then each step starts by zeroing them there again).</param>
        public SparseFirstLayer(SparseRows rows, ParameterStore store, int members, bool scatter)
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
            _slot = new int[members][];
            _compact = new float[members][];
            _scattered = scatter;
            for (int m = 0; m < members; m++)
            {
                _touched[m] = new int[Math.Min(_inputs, 1024)];
                _lastTouched[m] = new int[_inputs];
                _slot[m] = new int[_inputs];
                _compact[m] = new float[_touched[m].Length * _width];
            }
        }

        /// <summary>Reads another block of rows from the next step on (streaming).</summary>
        public void SetRows(SparseRows rows) => _rows = rows;

        /// <summary>Kernel rows (inputs) member <paramref name="member"/>'s last step touched, unordered.</summary>
        public ReadOnlySpan<int> TouchedRows(int member) => _touched[member].AsSpan(0, _touchedCount[member]);

        /// <summary>Member <paramref name="member"/>'s weight gradient for <see cref="TouchedRows"/>[<paramref name="k"/>].</summary>
        public Span<float> TouchedGradient(int member, int k) => _compact[member].AsSpan(k * _width, _width);

        /// <summary>Starts a step: clears the gradient rows the previous step wrote (apart, and scattered), so all are zero again.</summary>
        public void BeginStep()
        {
            for (int m = 0; m < _touched.Length; m++)
            {
                if (_scattered)
                {
                    var gradient = Kernel(_store.Gradients, m);
                    foreach (int i in TouchedRows(m))
                        gradient.Slice(i * _width, _width).Clear();
                }
                _compact[m].AsSpan(0, _touchedCount[m] * _width).Clear();
                _touchedCount[m] = 0;
            }
            _step++;
        }

        /// <summary>Writes member <paramref name="member"/>'s touched rows' gradients into the gradient buffer's first-layer block
        /// (zero elsewhere), for updates that read every row.</summary>
        public void ScatterGradients(int member)
        {
            if (!_scattered)
                throw new InvalidOperationException("This layer was made to keep its gradients apart.");
            var gradient = Kernel(_store.Gradients, member);
            var touched = TouchedRows(member);
            for (int k = 0; k < touched.Length; k++)
                TouchedGradient(member, k).CopyTo(gradient.Slice(touched[k] * _width, _width));
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
            var last = _lastTouched[member];
            var slot = _slot[member];
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
                        slot[i] = _touchedCount[member];
                        Record(member, i);
                    }
                    Kernels.AddScaled(delta, values[k], _compact[member].AsSpan(slot[i] * _width, _width));
                }
            }
        }

        private void Record(int member, int input)
        {
            if (_touchedCount[member] == _touched[member].Length)
            {
                Array.Resize(ref _touched[member], Math.Min(_inputs, _touched[member].Length * 2));
                Array.Resize(ref _compact[member], _touched[member].Length * _width); // the new rows are zero
            }
            _touched[member][_touchedCount[member]++] = input;
        }

        private Span<float> Kernel(AlignedBuffer buffer, int member) => buffer.AsSpan(_store.KernelOffset(0, member), _inputs * _width);
    }
}
