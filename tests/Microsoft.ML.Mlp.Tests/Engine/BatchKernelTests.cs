using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// <see cref="BatchKernel"/>, bulk scoring's managed product where the CPU has AVX-512: every output is exactly bias and then
    /// one fused multiply-add per input in input order, for every panel count a tile can have, whatever the operands' strides;
    /// and <c>PredictBatch</c> through it agrees with the BLAS products it replaces. On a CPU without AVX-512 the kernel does not
    /// run (bulk scoring keeps BLAS) and these tests have nothing to check.
    /// </summary>
    public class BatchKernelTests
    {
        [Fact]
        public void EveryOutputIsTheBiasThenOneFusedMultiplyAddPerInputInOrder()
        {
            if (!BatchKernel.Supported)
                return;
            var random = new Random(11);
            float Next() => (float)(random.NextDouble() * 4 - 2);
            // 1 to 5 panels (5 = a tile of four and one of one), partial last panels, 1 to 3 rows left after whole tiles, one
            // input, a long sum; a read row by row and as the transpose of a row-major matrix.
            foreach (var (rows, inputs, columns) in new[] { (1, 1, 1), (4, 3, 10), (7, 50, 16), (12, 50, 17), (5, 784, 50), (8, 37, 64), (6, 9, 65), (3, 20, 70) })
                foreach (bool transposed in new[] { false, true })
                {
                    int ldb = columns + 3, ldc = columns + 5;
                    // a[r, i] at r · rowStride + i · inputStride: rows of inputs + 2 values, or the transpose of [inputs, rows + 1].
                    int rowStride = transposed ? 1 : inputs + 2, inputStride = transposed ? rows + 1 : 1;
                    var a = Enumerable.Range(0, transposed ? inputs * (rows + 1) : rows * (inputs + 2)).Select(_ => Next()).ToArray();
                    var b = Enumerable.Range(0, (inputs - 1) * ldb + BatchKernel.PaddedColumns(columns)).Select(_ => Next()).ToArray();
                    var bias = Enumerable.Range(0, BatchKernel.PaddedColumns(columns)).Select(_ => Next()).ToArray();
                    var c = Enumerable.Repeat(float.NaN, rows * ldc).ToArray(); // NaN marks what the kernel must not write
                    BatchKernel.BiasPlusProduct(a, rowStride, inputStride, b, ldb, bias, c, ldc, rows, inputs, columns);
                    for (int r = 0; r < rows; r++)
                        for (int j = 0; j < ldc; j++)
                        {
                            if (j >= columns)
                            {
                                Assert.True(float.IsNaN(c[r * ldc + j]), $"column {j} of row {r} written past {columns} columns");
                                continue;
                            }
                            float expected = bias[j];
                            for (int i = 0; i < inputs; i++)
                                expected = MathF.FusedMultiplyAdd(a[r * rowStride + i * inputStride], b[i * ldb + j], expected);
                            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(c[r * ldc + j]));
                        }
                }
            // Operands too short for the product asked (four rows of two need 8 floats of a; b's last row a whole panel):
            // refused before any pointer is read.
            Assert.Throws<ArgumentOutOfRangeException>(() => BatchKernel.BiasPlusProduct(new float[7], 2, 1, new float[32], 16, new float[16], new float[64], 16, 4, 2, 16));
            Assert.Throws<ArgumentOutOfRangeException>(() => BatchKernel.BiasPlusProduct(new float[8], 2, 1, new float[25], 10, new float[16], new float[64], 16, 4, 2, 10));
        }

        [Fact]
        public void BulkScoringThroughTheKernelAgreesWithBlasProducts()
        {
            if (!BatchKernel.Supported)
                return;
            // The seed-recipe model, and one with batch norm folded in, two averaged networks and a feature scaler; 257 rows:
            // a full block of 256 and a block of one row in a tile of four.
            var ml = new MLContext(seed: 3);
            var options = TrainedDigits.QuickOptions(epochs: 1);
            options.HiddenLayerSizes = new[] { 40, 24 };
            options.UseBatchNormalization = true;
            options.EnsembleSize = 2;
            options.FeatureScaling = MlpFeatureScaling.Robust;
            var averaged = TrainedDigits.Pipeline(ml, options).Fit(Digits.Load(ml, 0, 300))
                .OfType<MulticlassPredictionTransformer<MlpMulticlassModelParameters>>().Single().Model;
            var features = Digits.Rows(0, 257).SelectMany(r => r.Features).ToArray();
            foreach (var mlp in new[] { TrainedDigits.Mlp, averaged })
            {
                var kernel = mlp.PredictBatch(features, 257);
                InferenceNetwork.BatchKernelDisabled = true;
                SgemmReplica.Disabled = true; // MKL's own products, not their replica
                float[] blas;
                try
                {
                    blas = mlp.PredictBatch(features, 257);
                }
                finally
                {
                    InferenceNetwork.BatchKernelDisabled = false;
                    SgemmReplica.Disabled = false;
                }
                Assert.Equal(blas.Length, kernel.Length);
                for (int i = 0; i < kernel.Length; i++)
                    Assert.Equal(blas[i], kernel[i], tolerance: 1e-6);
                Assert.Equal(kernel, mlp.PredictBatch(features, 257)); // and the same bits again
            }
        }
    }
}
