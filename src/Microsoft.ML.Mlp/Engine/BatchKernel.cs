using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// A managed matrix product for where the CPU has AVX-512: c = bias + a · b over tiles of up to four rows by up to four
    /// 16-wide column panels (16 accumulators held in registers across the whole sum, each b load shared by the tile's rows and
    /// each broadcast of a by its panels). Why not MKL's sgemm: on AMD EPYC it ran the seed model's products at ~60 GFLOP/s,
    /// PredictBatch at 0.69× ONNX Runtime. Used by bulk scoring, and by training's forward products and kernel gradients
    /// where an option asks for other rounding than libtorch's (<c>ManagedMatrixProducts</c>, or networks sharing their batch
    /// order): there every output is bias, then one fused multiply-add per input in input order, and its bits depend neither
    /// on the vector width, the tiling, the thread count nor the operands' addresses. By default training keeps MKL's bits:
    /// <see cref="SgemmReplica"/> runs MKL's products here in MKL's own order (<see cref="AddBlockedProduct"/>) where a probe
    /// shows that gives them.
    /// </summary>
    internal static unsafe class BatchKernel
    {
        /// <summary>Floats per panel (one 512-bit vector).</summary>
        public const int Lanes = 16;

        /// <summary>Most rows per tile.</summary>
        public const int TileRows = 4;

        /// <summary>True where the kernel runs (AVX-512F); elsewhere callers multiply with BLAS.</summary>
        public static bool Supported => Avx512F.IsSupported;

        /// <summary><paramref name="columns"/> rounded up to whole panels: what the kernel reads of each row of b and of the bias.</summary>
        public static int PaddedColumns(int columns) => (columns + Lanes - 1) / Lanes * Lanes;

        /// <summary>
        /// c[r, j] = bias[j] + Σ_i a[r, i] · b[i, j] for r &lt; <paramref name="rows"/>, j &lt; <paramref name="columns"/>, the
        /// sum one fused multiply-add per i in order; a[r, i] is read at r · <paramref name="rowStride"/> + i ·
        /// <paramref name="inputStride"/> (so aᵀ of a row-major matrix is a stride swap). Writes exactly those columns of c.
        /// Reads whole panels: each row of b and the bias must be readable up to <see cref="PaddedColumns"/> columns from its
        /// start (b's last row too: slack after it).
        /// </summary>
        public static void BiasPlusProduct(ReadOnlySpan<float> a, int rowStride, int inputStride, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<float> bias,
            Span<float> c, int ldc, int rows, int inputs, int columns)
        {
            int padded = PaddedColumns(columns);
            // Every read and write checked once here, before the raw pointers.
            if (rows < 1 || inputs < 1 || columns < 1 || rowStride < 0 || inputStride < 0 || ldc < columns || ldb < 0
                || a.Length < (long)(rows - 1) * rowStride + (long)(inputs - 1) * inputStride + 1 || b.Length < (long)(inputs - 1) * ldb + padded
                || bias.Length < padded || c.Length < (long)(rows - 1) * ldc + columns)
                throw new ArgumentOutOfRangeException(nameof(rows), $"A [{rows}, {inputs}] · [{inputs}, {columns}] product does not fit the operands given.");
            System.Threading.Interlocked.Increment(ref s_products);
            fixed (float* pa = a, pb = b, pbias = bias, pc = c)
                Product(pa, rowStride, inputStride, pb, ldb, pbias, pc, ldc, rows, inputs, columns);
        }

        /// <summary>
        /// c[r, j] = (<paramref name="accumulate"/> ? c[r, j] : 0) + the sums, block after block in order, of a[r, i] · b[i, j]
        /// over <paramref name="block"/> consecutive inputs (the last block what is left), each block's sum from zero with
        /// one fused multiply-add per input in order. MKL's sgemm sums in this order (blocks of its cache depth), so
        /// <see cref="SgemmReplica"/> can give its very bits. Operands as in <see cref="BiasPlusProduct"/>; c is read (when
        /// accumulating) and written in exactly its columns.
        /// </summary>
        public static void AddBlockedProduct(ReadOnlySpan<float> a, int rowStride, int inputStride, ReadOnlySpan<float> b, int ldb,
            Span<float> c, int ldc, int rows, int inputs, int columns, int block, bool accumulate)
        {
            if (rows < 1 || inputs < 1 || columns < 1 || block < 1 || rowStride < 0 || inputStride < 0 || ldc < columns || ldb < 0
                || a.Length < (long)(rows - 1) * rowStride + (long)(inputs - 1) * inputStride + 1 || b.Length < (long)(inputs - 1) * ldb + PaddedColumns(columns)
                || c.Length < (long)(rows - 1) * ldc + columns)
                throw new ArgumentOutOfRangeException(nameof(rows), $"A [{rows}, {inputs}] · [{inputs}, {columns}] product does not fit the operands given.");
            fixed (float* pa = a, pb = b, pc = c)
                Product(pa, rowStride, inputStride, pb, ldb, null, pc, ldc, rows, inputs, columns, block, accumulate);
        }

        private static long s_products;

        /// <summary>Products run so far in this process by <see cref="BiasPlusProduct"/> (tests check that a path really runs here).</summary>
        internal static long Products => System.Threading.Interlocked.Read(ref s_products);

        /// <summary>Bias-first products (<paramref name="bias"/> set), or blocked ones (<paramref name="bias"/> null): each
        /// tile's running sums on the stack, starting from c or zero, each block's sums added to them in turn.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // whole batches run through it: optimised from its first call
        private static void Product(float* a, int rowStride, int inputStride, float* b, int ldb, float* bias, float* c, int ldc, int rows, int inputs, int columns,
            int block = int.MaxValue, bool accumulate = false)
        {
            int panels = PaddedColumns(columns) / Lanes, lastLanes = columns - (panels - 1) * Lanes;
            float* run = stackalloc float[TileRows * 4 * Lanes];
            for (int r = 0; r < rows; r += TileRows)
            {
                float* ar = a + (long)r * rowStride, cr = c + (long)r * ldc;
                int tileRows = Math.Min(TileRows, rows - r);
                for (int p = 0; p < panels;)
                {
                    int take = Math.Min(4, panels - p), offset = p * Lanes;
                    // Lanes of the tile's last panel that are real columns (the rest are computed, not stored).
                    int stored = p + take == panels ? lastLanes : Lanes, width = (take - 1) * Lanes + stored;
                    // Blocked sums always go through the running sums, even one block without accumulating: those start at +0, so
                    // a sum that rounds to -0 comes out +0, as from MKL (a chain started at a zero bias would keep the -0).
                    if (bias != null)
                        Tile(new Operands(ar, rowStride, inputStride, b + offset, ldb, bias + offset, cr + offset, ldc, inputs, stored, null), take, tileRows);
                    else
                    {
                        for (int t = 0; t < tileRows; t++)
                        {
                            var sums = new Span<float>(run + t * 4 * Lanes, 4 * Lanes);
                            sums.Clear();
                            if (accumulate)
                                new ReadOnlySpan<float>(cr + t * ldc + offset, width).CopyTo(sums);
                        }
                        for (int start = 0; start < inputs; start += block)
                            Tile(new Operands(ar + (long)start * inputStride, rowStride, inputStride, b + offset + (long)start * ldb, ldb, null, null, 0,
                                Math.Min(block, inputs - start), stored, run), take, tileRows);
                        for (int t = 0; t < tileRows; t++)
                            new ReadOnlySpan<float>(run + t * 4 * Lanes, width).CopyTo(new Span<float>(cr + t * ldc + offset, width));
                    }
                    p += take;
                }
            }
        }

        /// <summary>The tile of <paramref name="panels"/> panels by <paramref name="rows"/> rows, each shape through code of its own.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tile(in Operands at, int panels, int rows)
        {
            switch (panels * TileRows + rows)
            {
                case 5: Tile<One, One>(at); break;
                case 6: Tile<One, Two>(at); break;
                case 7: Tile<One, Three>(at); break;
                case 8: Tile<One, Four>(at); break;
                case 9: Tile<Two, One>(at); break;
                case 10: Tile<Two, Two>(at); break;
                case 11: Tile<Two, Three>(at); break;
                case 12: Tile<Two, Four>(at); break;
                case 13: Tile<Three, One>(at); break;
                case 14: Tile<Three, Two>(at); break;
                case 15: Tile<Three, Three>(at); break;
                case 16: Tile<Three, Four>(at); break;
                case 17: Tile<Four, One>(at); break;
                case 18: Tile<Four, Two>(at); break;
                case 19: Tile<Four, Three>(at); break;
                default: Tile<Four, Four>(at); break;
            }
        }

        /// <summary>One tile's operands: its first row of a and c, its first panel of b and the bias, and the real lanes of its last panel.</summary>
        private readonly struct Operands
        {
            public readonly float* A, B, Bias, C;

            /// <summary>Null: sums start at the bias and go to c. Else the tile's running sums (4 panels a row), to which
            /// this block's sums, started at zero, are added.</summary>
            public readonly float* Run;
            public readonly int RowStride, InputStride, Ldb, Ldc, Inputs, LastPanelLanes;

            public Operands(float* a, int rowStride, int inputStride, float* b, int ldb, float* bias, float* c, int ldc, int inputs, int lastPanelLanes, float* run)
            {
                A = a; RowStride = rowStride; InputStride = inputStride; B = b; Ldb = ldb; Bias = bias; C = c; Ldc = ldc; Inputs = inputs;
                LastPanelLanes = lastPanelLanes; Run = run;
            }
        }

        /// <summary><typeparamref name="TPanels"/> panels by <typeparamref name="TRows"/> rows; the JIT drops the unused
        /// accumulators' code in each instantiation (each its own method: one body per shape keeps the 16 accumulators in registers).</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static void Tile<TPanels, TRows>(in Operands o)
            where TPanels : struct, ICount
            where TRows : struct, ICount
        {
            int panels = TPanels.Count, rows = TRows.Count;
            float* b = o.B;
            bool fromBias = o.Run == null;
            var bias0 = fromBias ? Avx512F.LoadVector512(o.Bias) : default;
            var bias1 = fromBias && panels > 1 ? Avx512F.LoadVector512(o.Bias + Lanes) : default;
            var bias2 = fromBias && panels > 2 ? Avx512F.LoadVector512(o.Bias + 2 * Lanes) : default;
            var bias3 = fromBias && panels > 3 ? Avx512F.LoadVector512(o.Bias + 3 * Lanes) : default;
            Vector512<float> c00 = bias0, c01 = bias1, c02 = bias2, c03 = bias3;
            Vector512<float> c10 = bias0, c11 = bias1, c12 = bias2, c13 = bias3;
            Vector512<float> c20 = bias0, c21 = bias1, c22 = bias2, c23 = bias3;
            Vector512<float> c30 = bias0, c31 = bias1, c32 = bias2, c33 = bias3;
            float* a0 = o.A, a1 = a0 + o.RowStride, a2 = a1 + o.RowStride, a3 = a2 + o.RowStride;
            long step = o.InputStride;
            int inputs = o.Inputs, ldb = o.Ldb;
            for (int i = 0; i < inputs; i++, b += ldb)
            {
                long at = i * step;
                var b0 = Avx512F.LoadVector512(b);
                var b1 = panels > 1 ? Avx512F.LoadVector512(b + Lanes) : default;
                var b2 = panels > 2 ? Avx512F.LoadVector512(b + 2 * Lanes) : default;
                var b3 = panels > 3 ? Avx512F.LoadVector512(b + 3 * Lanes) : default;
                Accumulate(Vector512.Create(a0[at]), b0, b1, b2, b3, panels, ref c00, ref c01, ref c02, ref c03);
                if (rows > 1) Accumulate(Vector512.Create(a1[at]), b0, b1, b2, b3, panels, ref c10, ref c11, ref c12, ref c13);
                if (rows > 2) Accumulate(Vector512.Create(a2[at]), b0, b1, b2, b3, panels, ref c20, ref c21, ref c22, ref c23);
                if (rows > 3) Accumulate(Vector512.Create(a3[at]), b0, b1, b2, b3, panels, ref c30, ref c31, ref c32, ref c33);
            }
            if (!fromBias)
            {
                AddTo(o.Run, c00, c01, c02, c03, panels);
                if (rows > 1) AddTo(o.Run + 4 * Lanes, c10, c11, c12, c13, panels);
                if (rows > 2) AddTo(o.Run + 8 * Lanes, c20, c21, c22, c23, panels);
                if (rows > 3) AddTo(o.Run + 12 * Lanes, c30, c31, c32, c33, panels);
                return;
            }
            Store(o.C, c00, c01, c02, c03, panels, o.LastPanelLanes);
            if (rows > 1) Store(o.C + o.Ldc, c10, c11, c12, c13, panels, o.LastPanelLanes);
            if (rows > 2) Store(o.C + 2 * o.Ldc, c20, c21, c22, c23, panels, o.LastPanelLanes);
            if (rows > 3) Store(o.C + 3 * o.Ldc, c30, c31, c32, c33, panels, o.LastPanelLanes);
        }

        /// <summary>One row of a tile: its accumulators += x · the input's panels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Accumulate(Vector512<float> x, Vector512<float> b0, Vector512<float> b1, Vector512<float> b2, Vector512<float> b3, int panels,
            ref Vector512<float> c0, ref Vector512<float> c1, ref Vector512<float> c2, ref Vector512<float> c3)
        {
            c0 = Avx512F.FusedMultiplyAdd(x, b0, c0);
            if (panels > 1) c1 = Avx512F.FusedMultiplyAdd(x, b1, c1);
            if (panels > 2) c2 = Avx512F.FusedMultiplyAdd(x, b2, c2);
            if (panels > 3) c3 = Avx512F.FusedMultiplyAdd(x, b3, c3);
        }

        /// <summary>A row's running sums += its block sums.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddTo(float* run, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3, int panels)
        {
            Avx512F.Store(run, Avx512F.Add(Avx512F.LoadVector512(run), v0));
            if (panels > 1) Avx512F.Store(run + Lanes, Avx512F.Add(Avx512F.LoadVector512(run + Lanes), v1));
            if (panels > 2) Avx512F.Store(run + 2 * Lanes, Avx512F.Add(Avx512F.LoadVector512(run + 2 * Lanes), v2));
            if (panels > 3) Avx512F.Store(run + 3 * Lanes, Avx512F.Add(Avx512F.LoadVector512(run + 3 * Lanes), v3));
        }

        /// <summary>A row's panels; of the last one only its first <paramref name="lastLanes"/> lanes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(float* row, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3, int panels, int lastLanes)
        {
            switch (panels)
            {
                case 1: Last(row, v0, lastLanes); break;
                case 2: Avx512F.Store(row, v0); Last(row + Lanes, v1, lastLanes); break;
                case 3: Avx512F.Store(row, v0); Avx512F.Store(row + Lanes, v1); Last(row + 2 * Lanes, v2, lastLanes); break;
                default: Avx512F.Store(row, v0); Avx512F.Store(row + Lanes, v1); Avx512F.Store(row + 2 * Lanes, v2); Last(row + 3 * Lanes, v3, lastLanes); break;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Last(float* destination, Vector512<float> v, int lanes)
        {
            if (lanes == Lanes)
            {
                Avx512F.Store(destination, v);
                return;
            }
            for (int j = 0; j < lanes; j++) // a partial panel: only the real columns, nothing past them
                destination[j] = v.GetElement(j);
        }

        /// <summary>A tile's panel or row count as a type, so that each count gets code of its own.</summary>
        private interface ICount
        {
            static abstract int Count { get; }
        }

        private struct One : ICount { public static int Count => 1; }

        private struct Two : ICount { public static int Count => 2; }

        private struct Three : ICount { public static int Count => 3; }

        private struct Four : ICount { public static int Count => 4; }
    }
}
