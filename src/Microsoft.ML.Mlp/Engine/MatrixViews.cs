using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The fast path's only contact with libtorch: zero-copy [rows, columns] tensors over parts of aligned buffers,
    /// created once per (buffer, offset, shape) and reused every step, and the in-place products over them. Owns the
    /// tensors it creates.
    /// </summary>
    internal sealed class MatrixViews : IDisposable
    {
        private readonly Dictionary<(AlignedBuffer Buffer, int Offset, int Rows, int Columns, bool Transposed), Tensor> _views = new();

        /// <summary>A cached view of elements [offset, offset + rows·columns) as a [rows, columns] matrix, or its transpose.</summary>
        public Tensor Get(AlignedBuffer buffer, int offset, int rows, int columns, bool transposed = false)
        {
            var key = (buffer, offset, rows, columns, transposed);
            lock (_views) // members may run on several threads; views are created once and then only read
            {
                if (!_views.TryGetValue(key, out var view))
                    _views[key] = view = buffer.Matrix(offset, rows, columns, transposed);
                return view;
            }
        }

        /// <summary>output[offset..] (a [rows, columns] block) = beta · output + a · b, in place (addmm_: no allocation).</summary>
        public void MultiplyAdd(AlignedBuffer output, int offset, int rows, int columns, Tensor a, Tensor b, float beta) =>
            Get(output, offset, rows, columns).addmm_(a, b, beta, 1);

        public void Dispose()
        {
            lock (_views)
            {
                foreach (var view in _views.Values)
                    view.Dispose();
                _views.Clear();
            }
        }
    }
}
