using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary><see cref="TrainingCode"/>: what it compiles before libtorch's load is the dense training step — the network's
    /// forward and backward passes, the optimizer, the masks, the activations' both passes, every tile shape of the product
    /// kernel — every one of them compiles, and a trainer's creation starts it once.</summary>
    public class TrainingCodeTests
    {
        [Fact]
        public void CompilesTheTrainingStepIncludingEveryTileShape()
        {
            var methods = TrainingCode.Methods().ToArray();
            string[] names = methods.Select(m => $"{m.Method.DeclaringType.Name}.{m.Method.Name}").ToArray();
            foreach (var expected in new[] { "FastTrainingNetwork.Backward", "FastTrainingNetwork.HiddenBackward", "NetworkTrainer.Train",
                "Relu.Backward", "Selu.Forward", "BatchKernel.Product" })
                Assert.Contains(expected, names);
            // 4 panel counts × 4 row counts, each its own body.
            Assert.Equal(16, methods.Count(m => m.Method.Name == "Tile" && m.Method.IsGenericMethod));
            foreach (var (method, instantiation) in methods)
                RuntimeHelpers.PrepareMethod(method.MethodHandle, instantiation);

            _ = new MLContext(1).MulticlassClassification.Trainers.Mlp(); // a trainer's creation starts the warm-up, and with it this
            Assert.NotNull(TrainingCode.Thread);
            Assert.True(TrainingCode.Thread.Join(System.TimeSpan.FromMinutes(2)));
            Assert.Null(TrainingCode.Failure);
        }
    }
}
