using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>Scaled ELU: <see cref="Scale"/>·(x for x &gt; 0, else <see cref="Alpha"/>·(exp(x) − 1)), torch's constants.</summary>
    internal sealed class Selu : ActivationFunction
    {
        /// <summary>α of Klambauer et al., as torch's <c>selu</c>.</summary>
        public const float Alpha = 1.6732632423543772f;

        /// <summary>λ of Klambauer et al., as torch's <c>selu</c>.</summary>
        public const float Scale = 1.0507009873554805f;

        /// <inheritdoc/>
        public override MlpActivation Kind => MlpActivation.Selu;

        /// <inheritdoc/>
        public override IReadOnlyList<OnnxStep> OnnxSteps { get; } = OnnxStep.Single("Selu", ("alpha", Alpha), ("gamma", Scale));

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public override void Forward(ReadOnlySpan<float> x, Span<float> y)
        {
            for (int i = 0; i < x.Length; i++)
                y[i] = Scale * (x[i] > 0 ? x[i] : Alpha * (MathF.Exp(x[i]) - 1f));
        }

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public override void Backward(Span<float> grad, ReadOnlySpan<float> u, ReadOnlySpan<float> y)
        {
            // For x ≤ 0, f′(x) = λα·exp(x) = y + λα: no second exp.
            for (int i = 0; i < grad.Length; i++)
                grad[i] *= u[i] > 0 ? Scale : y[i] + Scale * Alpha;
        }
    }
}
