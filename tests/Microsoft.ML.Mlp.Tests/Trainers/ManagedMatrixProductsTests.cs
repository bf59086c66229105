using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// <see cref="MlpOptionsBase.ManagedMatrixProducts"/>: training's products in the managed kernel. Where the CPU has AVX-512
    /// a seed then trains other bits than with libtorch's products, the same bits on every run, to as good a model; elsewhere
    /// the option changes nothing.
    /// </summary>
    public class ManagedMatrixProductsTests
    {
        [Fact]
        public void TrainsReproduciblyToAsGoodAModelWithOtherRounding()
        {
            var ml = new MLContext(seed: 1);
            var train = Digits.Load(ml, 0, 1500);
            var test = Digits.Load(ml, 1500, 500);
            float[][] Fit(bool managed, out double accuracy)
            {
                var options = TrainedDigits.QuickOptions(epochs: 4);
                options.ManagedMatrixProducts = managed;
                var model = TrainedDigits.Pipeline(ml, options).Fit(train);
                accuracy = ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
                return TrainedDigits.Scores(model, test);
            }
            var managed = Fit(true, out double managedAccuracy);
            Assert.Equal(managed, Fit(true, out _)); // the same bits again
            var libTorch = Fit(false, out double libTorchAccuracy);
            if (BatchKernel.Supported)
                Assert.NotEqual(libTorch, managed);
            else
                Assert.Equal(libTorch, managed);
            Assert.InRange(managedAccuracy, libTorchAccuracy - 0.02, 1.0);
            Assert.True(managedAccuracy > 0.85, $"accuracy {managedAccuracy:P1}");
        }
    }
}
