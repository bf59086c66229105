using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.ML.Trainers.Mlp;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary><see cref="ScoringCode"/>: what it compiles ahead of a process's first rows is the whole row path — each model's
    /// mapper lambda and head, the network's row methods, the row kernels, every activation's forward pass, the softmax — and
    /// nothing of training's; every one of them compiles; a fit starts it and it finishes.</summary>
    public class ScoringCodeTests
    {
        [Fact]
        public void CompilesTheRowPathOfEveryModelAndNothingElse()
        {
            var methods = ScoringCode.Methods().ToArray();
            string[] names = methods.Select(m => $"{m.Method.DeclaringType.Name}.{m.Method.Name}").ToArray();
            foreach (var expected in new[] { "InferenceNetwork.PredictScaled", "InferenceNetwork.FinishFrom", "InferenceNetwork.DotProducts",
                "MlpMulticlassModelParameters.Map", "MlpBinaryModelParameters.Map", "MlpRegressionModelParameters.Map", "Kernels.AccumulateRows",
                "Kernels.AccumulateNonZeros", "Activations.SoftMax", "Relu.Forward", "Selu.Forward", "FiniteValues.AllFinite" })
                Assert.Contains(expected, names);
            Assert.Contains(names, n => n.Contains("<CreateMapper>")); // the mapper lambda, in the generic base's closure class
            Assert.DoesNotContain(names, n => n.Contains("Backward") || n.Contains("BatchNorm") || n.Contains("SoftmaxCrossEntropy"));
            foreach (var (method, instantiation) in methods)
                RuntimeHelpers.PrepareMethod(method.MethodHandle, instantiation);

            _ = TrainedDigits.Mlp; // a fit (the shared test model) starts the compilation
            Assert.NotNull(ScoringCode.Compilation);
            Assert.True(ScoringCode.Compilation.Wait(System.TimeSpan.FromMinutes(2)));
        }
    }
}
