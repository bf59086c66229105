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
        /// <remarks>TensorPrimitives.Max(x, 0)'s values (NaN stays NaN, −0 becomes +0), in a loop of our own: theirs is generic
        /// code that runs unoptimised for the first thousands of calls of a process (row-at-a-time scoring calls this per layer).</remarks>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public override void Forward(ReadOnlySpan<float> x, Span<float> y)
        {
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(y.Slice(0, x.Length));
            for (int k = 0; k < vx.Length; k++)
            {
                var v = vx[k];
                var keep = Vector.GreaterThan(v, Vector<float>.Zero) | ~Vector.Equals(v, v); // positive or NaN
                vy[k] = Vector.ConditionalSelect(keep, v, Vector<float>.Zero);
            }
            for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++)
                y[i] = x[i] > 0 || float.IsNaN(x[i]) ? x[i] : 0f;
        }

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
