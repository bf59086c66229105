using System;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// <see cref="SgemmReplica"/>: MKL's products through the managed kernel only where that gives MKL's very bits. The blocked
    /// kernel sums exactly block by block; on fresh operands (not the probe's) every product has the bits MKL gives, whether the
    /// replica took it or not; and training trains the same bits with and without it. Which shapes the replica takes depends
    /// on the CPU and MKL (on AMD EPYC: every one but narrow outputs and one or three rows); the bits never do.
    /// </summary>
    public class SgemmReplicaTests
    {
        private readonly ITestOutputHelper _output;

        public SgemmReplicaTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void TheBlockedKernelSumsEachBlockFromZeroAndAddsTheBlocksInOrder()
        {
            if (!BatchKernel.Supported)
                return;
            var random = new Random(5);
            float Next() => (float)(random.NextDouble() * 4 - 2);
            foreach (var (rows, inputs, columns) in new[] { (1, 1, 1), (4, 3, 10), (7, 50, 16), (5, 784, 50), (6, 193, 65), (3, 400, 130) })
                foreach (int block in new[] { 1, 7, 96, 192, int.MaxValue })
                    foreach (bool transposed in new[] { false, true })
                        foreach (bool accumulate in new[] { false, true })
                        {
                            int ldb = columns + 3, ldc = columns + 5;
                            int rowStride = transposed ? 1 : inputs + 2, inputStride = transposed ? rows + 1 : 1;
                            var a = Enumerable.Range(0, transposed ? inputs * (rows + 1) : rows * (inputs + 2)).Select(_ => Next()).ToArray();
                            var b = Enumerable.Range(0, (inputs - 1) * ldb + BatchKernel.PaddedColumns(columns)).Select(_ => Next()).ToArray();
                            var start = Enumerable.Range(0, rows * ldc).Select(j => j % ldc < columns ? Next() : float.NaN).ToArray(); // NaN: not to be written
                            var c = (float[])start.Clone();
                            BatchKernel.AddBlockedProduct(a, rowStride, inputStride, b, ldb, c, ldc, rows, inputs, columns, block, accumulate);
                            for (int r = 0; r < rows; r++)
                                for (int j = 0; j < ldc; j++)
                                {
                                    if (j >= columns)
                                    {
                                        Assert.True(float.IsNaN(c[r * ldc + j]), $"column {j} of row {r} written past {columns} columns");
                                        continue;
                                    }
                                    float expected = accumulate ? start[r * ldc + j] : 0;
                                    for (int begin = 0; begin < inputs; begin += Math.Min(block, inputs))
                                    {
                                        float sum = 0;
                                        for (int i = begin; i < Math.Min(inputs, begin + Math.Min(block, inputs)); i++)
                                            sum = MathF.FusedMultiplyAdd(a[r * rowStride + i * inputStride], b[i * ldb + j], sum);
                                        expected += sum;
                                    }
                                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(c[r * ldc + j]),
                                        $"[{rows}, {inputs}] · [{inputs}, {columns}], block {block}, transposed {transposed}, accumulate {accumulate}: {c[r * ldc + j]} at ({r}, {j}), expected {expected}");
                                }
                        }
            Assert.Throws<ArgumentOutOfRangeException>(() => BatchKernel.AddBlockedProduct(new float[8], 2, 1, new float[25], 10, new float[64], 16, 4, 2, 10, 1, false));
            Assert.Throws<ArgumentOutOfRangeException>(() => BatchKernel.AddBlockedProduct(new float[8], 2, 1, new float[32], 16, new float[64], 16, 4, 2, 16, 0, false));
        }

        /// <summary>The probe multiplies operands of its own; these products, on other values (also subnormal products, and
        /// products that round to ±0, where the sign of a zero sum shows), must still have MKL's bits: a wrong block size would
        /// show in nearly every output.</summary>
        [Fact]
        public void EveryProductHasMklsBitsOnOperandsTheProbeNeverSaw()
        {
            Assert.True(Blas.Available);
            var random = new Random(17);
            long taken = 0, products = 0;
            // The seed model's and the digits tests' shapes, a tail batch, one and three rows, narrow outputs, products of a few
            // outputs (the probe multiplies those several times, lest a block size match by chance), deep and shallow
            // sums, strided and misaligned operands, a transposed left operand (kernel gradients) and a transposed right one (input
            // gradients: never taken).
            foreach (var (rows, columns, inner) in new[] { (32, 50, 784), (16, 50, 50), (32, 10, 50), (784, 50, 32), (128, 512, 784), (96, 512, 512), (1, 64, 200), (3, 64, 200), (37, 256, 30), (128, 100, 1000), (64, 48, 193), (256, 256, 256), (130, 33, 70), (2, 3, 5), (3, 2, 40), (5, 3, 300) })
                foreach (bool aTransposed in new[] { false, true })
                    foreach (bool bTransposed in new[] { false, true })
                        foreach (float beta in new[] { 0f, 1f })
                            foreach (int shift in new[] { 0, 3 })
                            foreach (float scale in new[] { 1f, 1e-20f, 1e-25f })
                            {
                                int stride = shift == 0 ? 0 : columns + shift;
                                var a = Operand(random, shift, rows, inner, aTransposed, scale: scale);
                                var b = Operand(random, shift, inner, columns, bTransposed, scale: scale);
                                var start = Operand(random, shift, rows, columns, false, stride, scale * scale);
                                var mkl = Product(false, start, a, b, beta, stride, ref taken);
                                var replicated = Product(true, start, a, b, beta, stride, ref taken);
                                products++;
                                Assert.True(MemoryMarshal.Cast<float, int>(mkl.AsSpan()).SequenceEqual(MemoryMarshal.Cast<float, int>(replicated.AsSpan())),
                                    $"[{rows}, {inner}] · [{inner}, {columns}], a transposed {aTransposed}, b transposed {bTransposed}, beta {beta}, shift {shift}, scale {scale}: other bits than MKL's");
                            }
            _output.WriteLine($"{taken} of {products} products through the kernel on this CPU");
        }

        /// <summary>Operands holding ±∞, −0 and values whose products overflow, and an output holding x86's default NaN (what
        /// training's invalid operations make: ∞ − ∞, 0 · ∞): where the kernel takes a shape, its outputs still have MKL's bits,
        /// infinities and NaNs included. (A NaN with another payload is left out: where two NaNs meet, which one an
        /// instruction keeps depends on its operand order, which neither MKL nor the JIT promises; training data with NaN is
        /// refused, so such NaNs do not arise.)</summary>
        [Fact]
        public void NonFiniteOperandsGiveMklsBitsToo()
        {
            var random = new Random(23);
            long taken = 0;
            foreach (var (rows, columns, inner) in new[] { (32, 50, 784), (16, 50, 50), (784, 50, 32), (64, 48, 193) })
                foreach (bool aTransposed in new[] { false, true })
                    foreach (float beta in new[] { 0f, 1f })
                    {
                        var a = Operand(random, 0, rows, inner, aTransposed);
                        var b = Operand(random, 0, inner, columns, false);
                        var start = Operand(random, 0, rows, columns, false);
                        var av = a.Buffer.AsSpan();
                        var bv = b.Buffer.AsSpan();
                        for (int k = 0; k < 3; k++)
                        {
                            av[random.Next(av.Length)] = float.PositiveInfinity;
                            av[random.Next(av.Length)] = -0f;
                            av[random.Next(av.Length)] = 3e38f;
                            bv[random.Next(inner * columns)] = float.NegativeInfinity;
                            bv[random.Next(inner * columns)] = -3e38f;
                        }
                        start.Buffer.AsSpan()[random.Next(rows * columns)] = BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00000)); // x86's default NaN
                        var mkl = Product(false, start, a, b, beta, 0, ref taken);
                        var replicated = Product(true, start, a, b, beta, 0, ref taken);
                        Assert.Contains(mkl, float.IsNaN); // ∞ − ∞ somewhere, not only the NaN started with
                        Assert.Contains(mkl, float.IsInfinity);
                        Assert.True(MemoryMarshal.Cast<float, int>(mkl.AsSpan()).SequenceEqual(MemoryMarshal.Cast<float, int>(replicated.AsSpan())),
                            $"[{rows}, {inner}] · [{inner}, {columns}], a transposed {aTransposed}, beta {beta}: other bits than MKL's");
                    }
            _output.WriteLine($"{taken} products with non-finite values through the kernel on this CPU");
        }

        /// <summary>start · beta + a · b through MKL, or through the replica where its probe found MKL's order (the shape's first
        /// product starts the probe and stays in MKL meanwhile: it is waited for); <paramref name="taken"/> counts the kernel's.</summary>
        private static float[] Product(bool replica, MatrixOperand start, MatrixOperand a, MatrixOperand b, float beta, int stride, ref long taken)
        {
            MatrixOperand Fresh() => new(new AlignedBuffer(start.Buffer.Length, BatchKernel.Lanes), start.Offset, start.Rows, start.Columns, Stride: stride);
            var output = Fresh();
            start.Buffer.AsSpan().CopyTo(output.Buffer.AsSpan());
            SgemmReplica.Disabled = !replica;
            try
            {
                if (replica)
                {
                    MatrixViews.MultiplyAddOnce(Fresh(), a, b, beta);
                    SgemmReplica.WaitForProbes();
                }
                long before = SgemmReplica.Products;
                MatrixViews.MultiplyAddOnce(output, a, b, beta);
                taken += SgemmReplica.Products - before;
            }
            finally
            {
                SgemmReplica.Disabled = false;
            }
            return output.Buffer.ToArray();
        }

        /// <summary>A [rows, columns] operand (stored as its transpose when asked) at <paramref name="shift"/> floats into its buffer,
        /// random values, a panel of slack after it.</summary>
        private static MatrixOperand Operand(Random random, int shift, int rows, int columns, bool transposed, int stride = 0, float scale = 1)
        {
            int storedRows = transposed ? columns : rows, storedColumns = transposed ? rows : columns, rowLength = stride > 0 ? stride : storedColumns;
            var buffer = new AlignedBuffer(shift + storedRows * rowLength, BatchKernel.Lanes);
            var values = buffer.AsSpan();
            for (int i = 0; i < values.Length; i++)
                values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
            return new MatrixOperand(buffer, shift, storedRows, storedColumns, transposed, stride);
        }

        /// <summary>Batches of 32 rows and of 128.</summary>
        [Theory]
        [InlineData(32)]
        [InlineData(128)]
        public void TrainingTrainsTheSameBitsWithAndWithoutTheReplica(int batchSize)
        {
            var ml = new MLContext(seed: 1);
            var train = Digits.Load(ml, 0, 400);
            var test = Digits.Load(ml, 400, 100);
            // Batch norm, dropout, a deep first sum (784 inputs: several of MKL's blocks), a short last batch, two fused members.
            var options = TrainedDigits.QuickOptions(epochs: 2);
            options.HiddenLayerSizes = new[] { 48, 20 };
            options.EnsembleSize = 2;
            options.BatchSize = batchSize;
            float[][] Fit(bool replica)
            {
                SgemmReplica.Disabled = !replica;
                try
                {
                    return TrainedDigits.Scores(TrainedDigits.Pipeline(ml, options).Fit(train), test);
                }
                finally
                {
                    SgemmReplica.Disabled = false;
                }
            }
            // The first fit starts the probes of its shapes and may take the kernel part of the way (timing decides); after
            // them, every product whose probe matched takes it.
            var mixed = Fit(true);
            SgemmReplica.WaitForProbes();
            long before = SgemmReplica.Products;
            var replicated = Fit(true);
            _output.WriteLine($"{SgemmReplica.Products - before} products through the kernel on this CPU");
            var mkl = Fit(false);
            Assert.Equal(mkl.Length, replicated.Length);
            for (int r = 0; r < mkl.Length; r++) // bit for bit (float equality would take -0 for +0)
            {
                Assert.Equal(mkl[r].Select(BitConverter.SingleToInt32Bits), replicated[r].Select(BitConverter.SingleToInt32Bits));
                Assert.Equal(mkl[r].Select(BitConverter.SingleToInt32Bits), mixed[r].Select(BitConverter.SingleToInt32Bits));
            }
        }
    }
}
