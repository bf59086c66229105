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
