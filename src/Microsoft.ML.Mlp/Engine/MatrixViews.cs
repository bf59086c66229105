using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The engine's one matrix product: MKL's sgemm called directly (<see cref="Blas"/>) with the arguments libtorch's
    /// addmm_ would pass it, which saves libtorch's tensor handles and dispatch on every product (measured: seed model
    /// 0.29 → 0.26 s/epoch, the same bits) — or its replica, the same bits from the managed kernel where a probe found it can
    /// give them (<see cref="SgemmReplica"/>; on AMD EPYC 0.32 → 0.22–0.26 s/epoch); or addmm_ itself where a dimension is 1 (libtorch reshapes those calls) or
    /// libtorch exports no sgemm — over zero-copy views of aligned buffers, which an instance (the fast training path's)
    /// creates once per operand and reuses every step, and <see cref="MultiplyAddOnce"/> creates and releases per call.
    /// An instance owns the tensors it creates.
    /// </summary>
    internal sealed class MatrixViews : IDisposable
    {
        private readonly Dictionary<MatrixOperand, Tensor> _views = new();

        /// <summary>output[offset..] (a [rows, columns] block) = beta · output + a · b, in place, views cached.</summary>
        public void MultiplyAdd(AlignedBuffer output, int offset, int rows, int columns, MatrixOperand a, MatrixOperand b, float beta) =>
            MultiplyAdd(new MatrixOperand(output, offset, rows, columns), a, b, beta, this);

        /// <summary>output = beta · output + a · b, in place, views cached: an output with a stride of its own.</summary>
        public void MultiplyAdd(MatrixOperand output, MatrixOperand a, MatrixOperand b, float beta) => MultiplyAdd(output, a, b, beta, this);

        /// <summary>output = beta · output + a · b, in place, for products made once (no views kept).</summary>
        public static void MultiplyAddOnce(MatrixOperand output, MatrixOperand a, MatrixOperand b, float beta) =>
            MultiplyAdd(output, a, b, beta, null);

        private static unsafe void MultiplyAdd(MatrixOperand output, MatrixOperand a, MatrixOperand b, float beta, MatrixViews cache)
        {
            int rows = output.Rows, columns = output.Columns, inner = a.LogicalColumns;
            if (output.Transposed || a.LogicalRows != rows || b.LogicalRows != inner || b.LogicalColumns != columns)
                throw new ArgumentException($"[{a.LogicalRows}, {inner}] · [{b.LogicalRows}, {b.LogicalColumns}] does not give [{rows}, {columns}].");
            if (Blas.Available && rows > 1 && columns > 1 && inner > 1)
            {
                // What addmm_ and the views would check, before raw pointers go to native code.
                output.CheckWithin();
                a.CheckWithin();
                b.CheckWithin();
                if (SgemmReplica.TryMultiplyAdd(output, a, b, beta))
                    return;
                // libtorch's addmm_ on a row-major result computes resultᵀ = bᵀ · aᵀ in column-major BLAS: b first; each
                // operand as stored ('T' when stored transposed), its stored row length the leading dimension.
                Blas.Product(b.Transposed, b.Buffer.Pointer + b.Offset, b.RowLength, a.Transposed, a.Buffer.Pointer + a.Offset, a.RowLength,
                    output.Buffer.Pointer + output.Offset, output.RowLength, rows, columns, inner, beta);
                GC.KeepAlive(a.Buffer);
                GC.KeepAlive(b.Buffer);
                GC.KeepAlive(output.Buffer);
                return;
            }
            if (cache != null)
            {
                cache.Get(output).addmm_(cache.Get(a), cache.Get(b), beta, 1);
                return;
            }
            using var target = View(output);
            using var left = View(a);
            using var right = View(b);
            target.addmm_(left, right, beta, 1);
        }

        private Tensor Get(MatrixOperand operand)
        {
            lock (_views) // members may run on several threads; views are created once and then only read
            {
                if (!_views.TryGetValue(operand, out var view))
                    _views[operand] = view = View(operand);
                return view;
            }
        }

        /// <summary>A zero-copy tensor over the operand (the caller owns it).</summary>
        private static Tensor View(MatrixOperand operand)
        {
            if (operand.RowLength == operand.Columns)
                return operand.Buffer.Matrix(operand.Offset, operand.Rows, operand.Columns, operand.Transposed);
            using var stored = operand.Buffer.Matrix(operand.Offset, operand.Rows, operand.RowLength);
            using var columns = stored.narrow(1, 0, operand.Columns);
            return operand.Transposed ? columns.t() : columns.alias();
        }

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

    /// <summary>A product's operand: <see cref="Rows"/> rows of <see cref="Columns"/> elements of <see cref="Buffer"/> from
    /// <see cref="Offset"/> on, one every <see cref="RowLength"/>, as a row-major [Rows, Columns] matrix, or
    /// (<see cref="Transposed"/>) its transpose. Stride: elements from one stored row to the next, 0 for Columns (rows back
    /// to back).</summary>
    internal readonly record struct MatrixOperand(AlignedBuffer Buffer, int Offset, int Rows, int Columns, bool Transposed = false, int Stride = 0)
    {
        /// <summary>Elements from one stored row to the next.</summary>
        public int RowLength => Stride > 0 ? Stride : Columns;

        /// <summary>Rows of the matrix as the product reads it.</summary>
        public int LogicalRows => Transposed ? Columns : Rows;

        /// <summary>Columns of the matrix as the product reads it.</summary>
        public int LogicalColumns => Transposed ? Rows : Columns;

        /// <summary>Throws unless every element lies inside the buffer.</summary>
        public void CheckWithin()
        {
            long end = Rows == 0 ? Offset : Offset + (long)(Rows - 1) * RowLength + Columns;
            if (Offset < 0 || Rows < 0 || Columns < 0 || Columns > RowLength || end > Buffer.Length)
                throw new ArgumentOutOfRangeException(nameof(Offset), $"[{Offset}, {end}) is outside a buffer of {Buffer.Length}.");
        }
    }
}
