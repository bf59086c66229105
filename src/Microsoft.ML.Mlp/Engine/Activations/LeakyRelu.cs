using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>x for x &gt; 0, else <see cref="Slope"/>·x (torch's default slope).</summary>
    internal sealed class LeakyRelu : ActivationFunction
    {
        /// <summary>The slope for x ≤ 0: torch's <c>leaky_relu</c> default.</summary>
        public const float Slope = 0.01f;

        /// <inheritdoc/>
        public override MlpActivation Kind => MlpActivation.LeakyRelu;

        /// <inheritdoc/>
        public override IReadOnlyList<OnnxStep> OnnxSteps { get; } = OnnxStep.Single("LeakyRelu", ("alpha", Slope));

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public override void Forward(ReadOnlySpan<float> x, Span<float> y)
        {
            for (int i = 0; i < x.Length; i++)
                y[i] = x[i] > 0 ? x[i] : Slope * x[i];
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public override void Backward(Span<float> grad, ReadOnlySpan<float> u, ReadOnlySpan<float> y)
        {
            for (int i = 0; i < grad.Length; i++)
                if (!(u[i] > 0)) grad[i] *= Slope;
        }
    }
}
