using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>x for x &gt; 0, else exp(x) − 1 (alpha 1, torch's default).</summary>
    internal sealed class Elu : ActivationFunction
    {
        /// <inheritdoc/>
        public override MlpActivation Kind => MlpActivation.Elu;

        /// <inheritdoc/>
        public override IReadOnlyList<OnnxStep> OnnxSteps { get; } = OnnxStep.Single("Elu", ("alpha", 1.0));

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public override void Forward(ReadOnlySpan<float> x, Span<float> y)
        {
            for (int i = 0; i < x.Length; i++)
                y[i] = x[i] > 0 ? x[i] : MathF.Exp(x[i]) - 1f;
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public override void Backward(Span<float> grad, ReadOnlySpan<float> u, ReadOnlySpan<float> y)
        {
            // For x ≤ 0, f′(x) = exp(x) = y + 1: no second exp.
            for (int i = 0; i < grad.Length; i++)
                if (!(u[i] > 0)) grad[i] *= y[i] + 1f;
        }
    }
}
