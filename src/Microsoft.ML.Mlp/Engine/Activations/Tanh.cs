using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>Hyperbolic tangent.</summary>
    internal sealed class Tanh : ActivationFunction
    {
        /// <inheritdoc/>
        public override MlpActivation Kind => MlpActivation.Tanh;

        /// <inheritdoc/>
        public override IReadOnlyList<OnnxStep> OnnxSteps { get; } = OnnxStep.Single("Tanh");

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public override void Backward(Span<float> grad, ReadOnlySpan<float> u, ReadOnlySpan<float> y)
        {
            // f′ = 1 − tanh², from the output.
            for (int i = 0; i < grad.Length; i++)
                grad[i] *= 1 - y[i] * y[i];
        }
    }
}
