using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// MKL's products, with MKL's very bits, through <see cref="BatchKernel"/> where that is faster. Why: on AMD EPYC MKL runs
    /// its generic kernels (~60 GFLOP/s on the seed model's shapes, a third of what the managed kernel reaches), and any
    /// product that rounds differently would change what a seed trains. MKL's sgemm sums each output in blocks of its cache
    /// depth along the inner dimension, each block from zero, and adds the blocks to the output in order; its block size
    /// depends on the shape and the CPU. So for every product shape (sizes, strides, transposes, beta, alignment and MKL's
    /// thread count) the first call starts a probe: MKL and the blocked kernel multiply the same random operands (several
    /// sets for a product of few outputs, <see cref="ProbeOutputs"/>, and sets of subnormal and of vanishing products), and
    /// each block size is tried until one gives every output bit for bit. Shapes with no such size (seen: one or three rows,
    /// MKL's narrow-output kernels, any CPU where MKL sums otherwise) keep MKL. Either way the bits are MKL's. A right operand
    /// stored transposed (the gradient passed down, dz · Wᵀ) keeps MKL: MKL sums those in the same blocked order, but the
    /// kernel would need Wᵀ copied first, and the copy costs as much as MKL's whole product (measured: 50 × 50, 1.8–7.6 µs
    /// against MKL's 2.2–3.2 µs for 32 × 50 × 50; 128 × 512 × 512, copy and kernel 1.0 ms against MKL's 0.38–0.44). The probes run one after another on a pool thread while the
    /// products of their shapes stay in MKL — the same bits — so that a process's first fit does not wait for them (measured:
    /// 25–40 ms of its first epoch).
    /// </summary>
    internal static unsafe class SgemmReplica
    {
        /// <summary>Each shape's probe, to its block size (0: MKL), started once even when several threads meet the shape at once.</summary>
        private static readonly ConcurrentDictionary<Shape, Lazy<Task<int>>> s_blocks = new();

        /// <summary>The last probe started: the next one runs after it, so that one probe runs at a time.</summary>
        private static Task s_lastProbe = Task.CompletedTask;

        private static readonly object s_probeOrder = new();

        /// <summary>Most shapes probed in a process (row counts vary, e.g. explanations of any number of rows): past it, new
        /// shapes keep MKL.</summary>
        private const int MostShapes = 4096;

        /// <summary>Largest probe, in floats of its operands: a larger product keeps MKL rather than double its memory.</summary>
        private const long MostProbeFloats = 16L << 20;

        private static long s_products;

        /// <summary>Products taken so far in this process (tests and benchmarks report it).</summary>
        internal static long Products => Interlocked.Read(ref s_products);

        /// <summary>Tests and the benchmark's --mkl-products: true keeps every product in MKL.</summary>
        internal static bool Disabled { get; set; }

        /// <summary>
        /// output = beta · output + a · b as <see cref="Blas.Product"/> would compute it, if a probe found the kernel gives
        /// its bits for this shape; false (nothing written) where it cannot: no AVX-512, b stored transposed, beta neither 0
        /// nor 1, b's last row without a panel's slack, no block size matched, or the shape's probe has not finished yet.
        /// </summary>
        public static bool TryMultiplyAdd(MatrixOperand output, MatrixOperand a, MatrixOperand b, float beta)
        {
            int rows = output.Rows, columns = output.Columns, inner = a.LogicalColumns;
            if (Disabled || !BatchKernel.Supported || !Blas.Available || !Blas.ThreadsReadable || b.Transposed || (beta != 0 && beta != 1)
                || (long)b.Offset + (long)(inner - 1) * b.RowLength + BatchKernel.PaddedColumns(columns) > b.Buffer.Capacity)
                return false;
            var shape = new Shape(rows, columns, inner, a.Transposed, a.RowLength, b.RowLength, output.RowLength, beta != 0,
                Misalignment(a), Misalignment(b), Misalignment(output), Blas.ThreadsOfThisThread);
            if (!s_blocks.TryGetValue(shape, out var probed))
            {
                if (s_blocks.Count >= MostShapes)
                    return false;
                probed = s_blocks.GetOrAdd(shape, key => new Lazy<Task<int>>(() => StartProbe(key)));
            }
            var probe = probed.Value;
            // Until the probe has found the block size, MKL: the bits are the same either way.
            if (!probe.IsCompletedSuccessfully || probe.Result == 0)
                return false;
            int block = probe.Result;
            Multiply(output.Buffer.AsSpan(output.Offset), a.Buffer.AsSpan(a.Offset), b.Buffer.AsSpanWithSlack(b.Offset), shape, block);
            Interlocked.Increment(ref s_products);
            return true;
        }

        private static void Multiply(Span<float> c, ReadOnlySpan<float> a, ReadOnlySpan<float> b, in Shape s, int block) =>
            BatchKernel.AddBlockedProduct(a, s.ATransposed ? 1 : s.Lda, s.ATransposed ? s.Lda : 1, b, s.Ldb, c, s.Ldc, s.Rows, s.Inner, s.Columns, block, s.Accumulate);

        /// <summary>Floats by which the operand's first element misses a 64-byte boundary (MKL's path can depend on it).</summary>
        private static int Misalignment(MatrixOperand operand) => operand.Offset % (AlignedBuffer.Alignment / sizeof(float));

        /// <summary>Outputs a probe compares at the least: a shape with fewer (a short batch times a few classes) is multiplied
        /// again on other random operands, so that no block size matches MKL's bits by chance.</summary>
        private const int ProbeOutputs = 4096;

        /// <summary>The probe of <paramref name="s"/>, after the probes started before it, on a pool thread.</summary>
        private static Task<int> StartProbe(Shape s)
        {
            lock (s_probeOrder)
            {
                var probe = s_lastProbe.ContinueWith(_ => Probe(s), CancellationToken.None, TaskContinuationOptions.DenyChildAttach, TaskScheduler.Default);
                s_lastProbe = probe;
                return probe;
            }
        }

        /// <summary>Waits for every probe started so far (tests: the next products of their shapes take the kernel where it matched).</summary>
        internal static void WaitForProbes()
        {
            Task last;
            lock (s_probeOrder)
                last = s_lastProbe;
            last.Wait();
        }

        /// <summary>The block size with which the kernel gives MKL's bits for this shape, or 0 for none (also where the probe
        /// would be too large, or fails: MKL then keeps the shape). MKL runs with the shape's threads on the probe's thread.</summary>
        private static int Probe(Shape s)
        {
            try
            {
                long floats = (s.ATransposed ? (long)s.Inner * s.Lda : (long)s.Rows * s.Lda) + (long)s.Inner * s.Ldb + 2L * s.Rows * s.Ldc;
                if (floats > MostProbeFloats)
                    return 0;
                int previous = Blas.SetThreadsOfThisThread(s.Threads);
                try
                {
                    return Blas.ThreadsOfThisThread == s.Threads ? FindBlock(s) : 0;
                }
                finally
                {
                    Blas.SetThreadsOfThisThread(previous);
                }
            }
            catch (Exception)
            {
                return 0; // nothing may escape a probe: its shape keeps MKL
            }
        }

        private static int FindBlock(Shape s)
        {
            // Values in [-1, 1), on enough sets for 4,096 outputs at least; then two sets whose products are subnormal (1e-40)
            // or round to ±0 (1e-50), where MKL's handling of tiny values and of the sign of zero shows.
            int trials = (ProbeOutputs + s.Rows * s.Columns - 1) / (s.Rows * s.Columns);
            var products = new ProbeProduct[trials + 2];
            for (int t = 0; t < trials; t++)
                products[t] = new ProbeProduct(s, seed: 3 * t, scale: 1);
            products[trials] = new ProbeProduct(s, seed: 3 * trials, scale: 1e-20f);
            products[trials + 1] = new ProbeProduct(s, seed: 3 * trials + 3, scale: 1e-25f);
            int cLength = (s.Rows - 1) * s.Ldc + s.Columns;
            var got = new float[cLength];
            // Cheap screening on a few outputs (scalar), then every product through the kernel.
            foreach (int block in Candidates(s.Inner))
            {
                var first = products[0];
                if (!MatchesAtCorners(first.A.AsSpan(s.AMisalignment), first.B.AsSpan(s.BMisalignment), first.Start.AsSpan(s.CMisalignment),
                    first.Expected.AsSpan(s.CMisalignment, cLength), s, block))
                    continue;
                bool all = true;
                foreach (var product in products)
                {
                    product.Start.AsSpan(s.CMisalignment, cLength).CopyTo(got);
                    Multiply(got, product.A.AsSpan(s.AMisalignment), product.B.AsSpanWithSlack(s.BMisalignment), s, block);
                    // Bit for bit: float equality would take -0 for +0.
                    all &= MemoryMarshal.Cast<float, int>(got.AsSpan()).SequenceEqual(MemoryMarshal.Cast<float, int>(product.Expected.AsSpan(s.CMisalignment, cLength)));
                    if (!all)
                        break;
                }
                if (all)
                    return block;
            }
            return 0;
        }

        /// <summary>One of a probe's products: random operands laid out as the shape's (same misalignments), and MKL's result.</summary>
        private sealed class ProbeProduct
        {
            public readonly AlignedBuffer A, B, Start, Expected;

            /// <param name="s">The shape.</param>
            /// <param name="seed">The random values' seed.</param>
            /// <param name="scale">Every operand's values times this (the output's start times its square).</param>
            public ProbeProduct(Shape s, int seed, float scale)
            {
                int aStored = s.ATransposed ? s.Inner : s.Rows, padded = BatchKernel.PaddedColumns(s.Columns);
                A = Operand(s.AMisalignment, (aStored - 1) * s.Lda + (s.ATransposed ? s.Rows : s.Inner), seed + 1, scale);
                B = Operand(s.BMisalignment, (s.Inner - 1) * s.Ldb + padded, seed + 2, scale);
                int cLength = (s.Rows - 1) * s.Ldc + s.Columns;
                Start = Operand(s.CMisalignment, cLength, seed + 3, scale * scale);
                Expected = Operand(s.CMisalignment, cLength, seed + 3, scale * scale);
                Blas.Product(false, B.Pointer + s.BMisalignment, s.Ldb, s.ATransposed, A.Pointer + s.AMisalignment, s.Lda,
                    Expected.Pointer + s.CMisalignment, s.Ldc, s.Rows, s.Columns, s.Inner, s.Accumulate ? 1 : 0);
                GC.KeepAlive(this);
            }
        }

        /// <summary>Block sizes to try: one block, the sizes seen (192; half a sum shorter than two, rounded down to 16), then
        /// every size where that stays cheap (the screening costs four sums per size).</summary>
        private static IEnumerable<int> Candidates(int inner)
        {
            var seen = new HashSet<int>();
            foreach (int block in new[] { inner, 192, inner / 2 / 16 * 16, 256, 384, 128, 96, 64 })
                if (block >= 1 && block <= inner && seen.Add(block))
                    yield return block;
            if (inner > 1024)
                yield break;
            for (int block = inner - 1; block >= 1; block--)
                if (seen.Add(block))
                    yield return block;
        }

        /// <summary>A buffer with <paramref name="misalignment"/> floats before the operand, random values in [-1, 1) times
        /// <paramref name="scale"/>.</summary>
        private static AlignedBuffer Operand(int misalignment, int length, int seed, float scale)
        {
            var buffer = new AlignedBuffer(misalignment + length + BatchKernel.Lanes);
            var random = new Random(seed);
            var values = buffer.AsSpan();
            for (int i = 0; i < values.Length; i++)
                values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
            return buffer;
        }

        /// <summary>Whether the blocked sum gives MKL's bits at the first and last output of the first and last row.</summary>
        private static bool MatchesAtCorners(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> start, ReadOnlySpan<float> wanted, in Shape s, int block)
        {
            foreach (int r in new[] { 0, s.Rows - 1 })
                foreach (int j in new[] { 0, s.Columns - 1 })
                {
                    float sum = s.Accumulate ? start[r * s.Ldc + j] : 0;
                    for (int begin = 0; begin < s.Inner; begin += block)
                    {
                        float part = 0;
                        for (int i = begin; i < Math.Min(s.Inner, begin + block); i++)
                            part = MathF.FusedMultiplyAdd(s.ATransposed ? a[i * s.Lda + r] : a[r * s.Lda + i], b[i * s.Ldb + j], part);
                        sum += part;
                    }
                    if (BitConverter.SingleToInt32Bits(sum) != BitConverter.SingleToInt32Bits(wanted[r * s.Ldc + j]))
                        return false;
                }
            return true;
        }

        /// <summary>Everything MKL's choice of kernel may depend on.</summary>
        private readonly record struct Shape(int Rows, int Columns, int Inner, bool ATransposed, int Lda, int Ldb, int Ldc, bool Accumulate,
            int AMisalignment, int BMisalignment, int CMisalignment, int Threads);
    }
}
