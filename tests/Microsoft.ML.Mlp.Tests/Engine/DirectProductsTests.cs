using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// <see cref="Blas"/>: products that call MKL's sgemm directly train the very bits libtorch's addmm_ trains (the same
    /// function, given addmm_'s own arguments), and bulk scoring agrees with the libtorch fallback.
    /// </summary>
    public class DirectProductsTests
    {
        private static T WithProducts<T>(bool direct, Func<T> run)
        {
            Assert.True(Blas.Available, "libtorch exports sgemm_ on this platform: the direct path must be what runs here");
            Blas.UseLibTorchProducts = !direct;
            try
            {
                return run();
            }
            finally
            {
                Blas.UseLibTorchProducts = false;
            }
        }

        [Fact]
        public void DirectProductsTrainTheBitsOfLibTorchsProducts()
        {
            var ml = new MLContext(seed: 1);
            var train = Digits.Load(ml, 0, 400);
            var test = Digits.Load(ml, 400, 100);
            // Batch norm, dropout, two hidden layers, a short last batch (400 = 12 × 32 + 16) and two fused members.
            var options = TrainedDigits.QuickOptions(epochs: 2);
            options.HiddenLayerSizes = new[] { 32, 16 };
            options.EnsembleSize = 2;
            float[][] Fit() => TrainedDigits.Scores(TrainedDigits.Pipeline(ml, options).Fit(train), test);
            var direct = WithProducts(true, Fit);
            var libTorch = WithProducts(false, Fit);
            Assert.Equal(libTorch, direct);

            // Regression: a one-wide output layer (those products stay with libtorch) beside wide hidden ones.
            var rows = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(200, 3));
            var regression = new MlpRegressionTrainer.Options { HiddenLayerSizes = new[] { 24 }, NumberOfEpochs = 3, BatchSize = 16, Seed = 2 };
            float[] Regress() => ml.Regression.Trainers.Mlp(regression).Fit(rows).Transform(rows).GetColumn<float>("Score").ToArray();
            Assert.Equal(WithProducts(false, Regress), WithProducts(true, Regress));
        }

        [Fact]
        public void BulkScoringAgreesWithTheLibTorchFallback()
        {
            var mlp = TrainedDigits.Mlp;
            var features = Digits.Rows(0, 600).SelectMany(r => r.Features).ToArray();
            // BLAS products on both sides (where the CPU has AVX-512 bulk scoring multiplies in managed code: BatchKernelTests).
            InferenceNetwork.BatchKernelDisabled = true;
            SgemmReplica.Disabled = true; // MKL's own products on the direct side, not their replica
            float[] direct, libTorch;
            try
            {
                direct = WithProducts(true, () => mlp.PredictBatch(features, 600));
                libTorch = WithProducts(false, () => mlp.PredictBatch(features, 600));
            }
            finally
            {
                InferenceNetwork.BatchKernelDisabled = false;
                SgemmReplica.Disabled = false;
            }
            Assert.Equal(libTorch.Length, direct.Length);
            for (int i = 0; i < direct.Length; i++)
                Assert.Equal(libTorch[i], direct[i], tolerance: 1e-6);
        }
    }
}
