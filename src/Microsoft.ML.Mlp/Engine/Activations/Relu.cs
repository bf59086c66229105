using System;
using System.Collections.Generic;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>max(0, x).</summary>
    internal sealed class Relu : ActivationFunction
    {
        /// <inheritdoc/>
        public override MlpActivation Kind => MlpActivation.Relu;

        /// <inheritdoc/>
        public override IReadOnlyList<OnnxStep> OnnxSteps { get; } = OnnxStep.Single("Relu");

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

        /// <inheritdoc/>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public override void Backward(Span<float> grad, ReadOnlySpan<float> u, ReadOnlySpan<float> y)
        {
            // Branch-free: the sign of u is random, so a branch would mispredict half the time.
            var g = MemoryMarshal.Cast<float, Vector<float>>(grad);
            var x = MemoryMarshal.Cast<float, Vector<float>>(u);
            for (int k = 0; k < g.Length; k++)
                g[k] = Vector.ConditionalSelect(Vector.GreaterThan(x[k], Vector<float>.Zero), g[k], Vector<float>.Zero);
            for (int i = g.Length * Vector<float>.Count; i < grad.Length; i++)
                if (!(u[i] > 0)) grad[i] = 0;
        }
    }
}
