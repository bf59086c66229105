using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>GELU exactly (not the tanh approximation), as torch's default: 0.5 · x · (1 + erf(x / √2)), in double.</summary>
    internal sealed class Gelu : ActivationFunction
    {
        /// <inheritdoc/>
        public override MlpActivation Kind => MlpActivation.Gelu;

        /// <inheritdoc/>
        /// <remarks>Through Erf (opset 9): Mul(x, 1/√2) → Erf → Add 1 → times Mul(x, 0.5).</remarks>
        public override IReadOnlyList<OnnxStep> OnnxSteps { get; } = new[]
        {
            new OnnxStep("Mul", new[] { OnnxOperand.Input, OnnxOperand.Constant((float)(1 / Math.Sqrt(2))) }), // 0: x / √2
            new OnnxStep("Erf", new[] { OnnxOperand.Step(0) }),                                                 // 1: erf(x / √2)
            new OnnxStep("Add", new[] { OnnxOperand.Step(1), OnnxOperand.Constant(1f) }),                       // 2: 1 + erf
            new OnnxStep("Mul", new[] { OnnxOperand.Input, OnnxOperand.Constant(0.5f) }),                       // 3: 0.5 · x
            new OnnxStep("Mul", new[] { OnnxOperand.Step(3), OnnxOperand.Step(2) }),                            // 4: f(x)
        };

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public override void Forward(ReadOnlySpan<float> x, Span<float> y)
        {
            for (int i = 0; i < x.Length; i++)
                y[i] = (float)(0.5 * x[i] * (1.0 + Erf(x[i] / Math.Sqrt(2.0))));
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public override void Backward(Span<float> grad, ReadOnlySpan<float> u, ReadOnlySpan<float> y)
        {
            // f′(x) = Φ(x) + x·φ(x).
            for (int i = 0; i < grad.Length; i++)
            {
                double x = u[i];
                grad[i] *= (float)(0.5 * (1 + Erf(x / Math.Sqrt(2))) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI));
            }
        }

        /// <summary>erf(x) by the
        /// Numerical Recipes erfc Chebyshev fit: relative error below 1.2e-7, under float precision.</summary>
        public static double Erf(double x)
        {
            double z = Math.Abs(x);
            double t = 1.0 / (1.0 + 0.5 * z);
            double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
            return x >= 0 ? 1.0 - erfc : erfc - 1.0;
        }
    }
}
