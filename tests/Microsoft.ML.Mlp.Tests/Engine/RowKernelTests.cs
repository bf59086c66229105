using System;
using System.Linq;
using System.Numerics;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Row-at-a-time scoring's products: <see cref="Kernels.AccumulateRows"/> (sparse rows, hidden layers) gives the bits of
    /// the plain loop for every width a partial tile can leave, over dense inputs with zeros and NaN as over a given list of rows;
    /// <see cref="Kernels.Dot"/> (dense first layers) is accurate and independent of where its operands lie.</summary>
    public class RowKernelTests
    {
        /// <summary>bias, then each listed row's products added in list order: lane by lane what the kernel computes.</summary>
        private static float[] PlainLoop(int[] rows, float[] scales, float[] weights, float[] bias, int width)
        {
            var output = (float[])bias.Clone();
            for (int k = 0; k < rows.Length; k++)
                for (int j = 0; j < width; j++)
                    output[j] += weights[rows[k] * width + j] * scales[k];
            return output;
        }

        [Fact]
        public void AccumulatingRowsGivesThePlainLoopsBitsAtEveryWidth()
        {
            var random = new Random(7);
            int lanes = Vector<float>.Count;
            foreach (int vectors in new[] { 1, 2, 3, 4, 5, 7, 8, 9 })
            {
                int width = vectors * lanes, inputs = 37;
                var weights = Enumerable.Range(0, inputs * width + Kernels.AccumulateSlack).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
                var bias = Enumerable.Range(0, width).Select(_ => (float)random.NextDouble()).ToArray();
                var x = Enumerable.Range(0, inputs).Select(i => i % 3 == 0 ? 0f : (float)(random.NextDouble() * 4 - 2)).ToArray();
                var nonZero = Enumerable.Range(0, inputs).Where(i => x[i] != 0).ToArray();
                var expected = PlainLoop(nonZero, nonZero.Select(i => x[i]).ToArray(), weights, bias, width);

                var dense = new float[width];
                Kernels.AccumulateNonZeros(x, weights, bias, dense, new int[inputs], new float[inputs]);
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), dense.Select(BitConverter.SingleToInt32Bits));

                var listed = new float[width];
                Kernels.AccumulateRows(nonZero, nonZero.Select(i => x[i]).ToArray(), weights, bias, listed);
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), listed.Select(BitConverter.SingleToInt32Bits));
            }
        }

        [Fact]
        public void ANaNInputReachesEveryOutputAndRowsBeyondTheWeightsAreRefused()
        {
            int width = Vector<float>.Count * 2;
            var weights = Enumerable.Repeat(0.5f, 3 * width + Kernels.AccumulateSlack).ToArray();
            var output = new float[width];
            Kernels.AccumulateNonZeros(new[] { 1f, float.NaN, 0f }, weights, new float[width], output, new int[3], new float[3]);
            Assert.All(output, v => Assert.True(float.IsNaN(v)));

            var tight = new float[3 * width]; // no slack after the last row
            Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.AccumulateRows(new[] { 2 }, new[] { 1f }, tight, new float[width], output));
            Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.AccumulateRows(new[] { 3 }, new[] { 1f }, weights, new float[width], output)); // one past the last row
            Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.AccumulateRows(new[] { -1 }, new[] { 1f }, weights, new float[width], output));
        }
    
        [Fact]
        public void DotProductIsAccurateAndIndependentOfWhereItsOperandsLieAndPairsGiveItsBits()
        {
            var random = new Random(5);
            foreach (int length in new[] { 0, 1, 5, 8, 31, 32, 33, 50, 127, 784 })
            {
                var a = Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
                var b = Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray();
                double exact = 0, magnitude = 0;
                for (int i = 0; i < length; i++)
                {
                    exact += (double)a[i] * b[i];
                    magnitude += Math.Abs((double)a[i] * b[i]);
                }
                float first = Kernels.Dot(a, b);
                var c = a.Select(v => -v * 0.5f).ToArray();
                Kernels.DotPair(a, c, b, out float pairFirst, out float pairSecond); // a pair: each result Dot's very bits
                Assert.Equal(BitConverter.SingleToInt32Bits(first), BitConverter.SingleToInt32Bits(pairFirst));
                Assert.Equal(BitConverter.SingleToInt32Bits(Kernels.Dot(c, b)), BitConverter.SingleToInt32Bits(pairSecond));
                Assert.True(Math.Abs(first - exact) <= 1e-6 * magnitude + 1e-30, $"length {length}: {first} vs {exact}");
                for (int shift = 1; shift < 16; shift++)
                {
                    var pa = new float[length + shift];
                    var pb = new float[length + 2 * shift];
                    a.CopyTo(pa, shift);
                    b.CopyTo(pb, 2 * shift);
                    Assert.Equal(BitConverter.SingleToInt32Bits(first), BitConverter.SingleToInt32Bits(Kernels.Dot(pa.AsSpan(shift), pb.AsSpan(2 * shift))));
                }
            }
        }
    }
}
