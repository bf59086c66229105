using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Every <see cref="MlpActivation"/> has its <see cref="ActivationFunction"/>, whose backward pass is the derivative of
    /// its forward pass and whose ONNX form is well formed. (The end-to-end checks against torch and ONNX Runtime are
    /// FastPathEquivalenceTests and OnnxExportTests.)</summary>
    public class ActivationFunctionTests
    {
        public static IEnumerable<object[]> Kinds() => Enum.GetValues<MlpActivation>().Select(a => new object[] { a });

        [Theory]
        [MemberData(nameof(Kinds))]
        public void EveryActivationHasAFunctionWithAWellFormedOnnxForm(MlpActivation activation)
        {
            var function = ActivationFunction.For(activation);
            Assert.Equal(activation, function.Kind);
            Assert.NotEmpty(function.OnnxSteps);
            for (int s = 0; s < function.OnnxSteps.Count; s++)
                foreach (var operand in function.OnnxSteps[s].Inputs.Where(o => o.Kind == OnnxOperandKind.Step))
                    Assert.InRange(operand.StepIndex, 0, s - 1); // a step reads only earlier steps
        }

        /// <summary>ReLU's own loop gives TensorPrimitives.Max(x, 0)'s bits, which models have always trained and scored with:
        /// NaN stays NaN, −0 becomes +0, infinities pass or drop, over more than one vector and a scalar tail.</summary>
        [Fact]
        public void ReluGivesTheBitsOfTensorPrimitivesMax()
        {
            var random = new Random(3);
            var special = new[] { float.NaN, -0f, 0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon, float.MaxValue, -float.MaxValue };
            var x = special.Concat(Enumerable.Range(0, 60).Select(_ => (float)(random.NextDouble() * 8 - 4))).ToArray();
            foreach (int length in new[] { 0, 1, 7, 8, 9, x.Length })
            {
                var actual = new float[length];
                var expected = new float[length];
                ActivationFunction.For(MlpActivation.Relu).Forward(x.AsSpan(0, length), actual);
                System.Numerics.Tensors.TensorPrimitives.Max(x.AsSpan(0, length), 0f, expected);
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
            }
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void BackwardIsTheFiniteDifferenceDerivativeOfForward(MlpActivation activation)
        {
            var function = ActivationFunction.For(activation);
            // 27 points in [-3.2, 3.3], none within 0.05 of the kink at 0; more than one Vector<float>, with a scalar tail.
            var u = Enumerable.Range(0, 27).Select(k => -3.2f + 0.25f * k).ToArray();
            const float h = 1e-3f;
            float[] plus = u.Select(x => x + h).ToArray(), minus = u.Select(x => x - h).ToArray();
            var y = new float[u.Length];
            var grad = Enumerable.Repeat(1f, u.Length).ToArray();
            function.Forward(u, y);
            function.Forward(plus);
            function.Forward(minus);
            function.Backward(grad, u, y);
            for (int i = 0; i < u.Length; i++)
            {
                // Divided by the float step actually taken: x ± h rounds.
                double expected = ((double)plus[i] - minus[i]) / ((double)(u[i] + h) - (u[i] - h));
                Assert.True(Math.Abs(grad[i] - expected) <= 1e-3 * Math.Max(1, Math.Abs(expected)),
                    $"{activation} at {u[i]}: backward {grad[i]}, finite difference {expected}");
            }
        }
    }
}
