using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// A vector function f: ℝ^In → ℝ^Out with its vector–Jacobian product, evaluated on a batch of points held row-major
    /// [count, In]. <see cref="Forward(ReadOnlySpan{float}, int, Span{float})"/> keeps what
    /// <see cref="Backward(ReadOnlySpan{float}, int, Span{float})"/> needs, so an instance serves one caller at a time (one per
    /// cursor or call) and owns its scratch; the weights behind it are shared and immutable. Integrated gradients
    /// (<see cref="IntegratedGradients"/>) evaluate it on the points of straight-line paths, which a function whose first
    /// step is linear does faster than point by point (the path overloads).
    /// </summary>
    internal abstract class Differentiable
    {
        /// <summary>Width of a point.</summary>
        public abstract int InputSize { get; }

        /// <summary>Width of an output.</summary>
        public abstract int OutputSize { get; }

        /// <summary>outputs [count, Out] = f(points [count, In]); remembers what <see cref="Backward(ReadOnlySpan{float}, int, Span{float})"/> needs.</summary>
        public abstract void Forward(ReadOnlySpan<float> points, int count, Span<float> outputs);

        /// <summary>gradients[i, :] = Σ_o upstream[i, o] · ∂f_o/∂x at point i of the last forward pass (the same count).</summary>
        public abstract void Backward(ReadOnlySpan<float> upstream, int count, Span<float> gradients);

        /// <summary>f at every point of <paramref name="path"/> ([PointCount, Out]); by default the points are built and
        /// scored as any others.</summary>
        public virtual void Forward(IntegrationPath path, Span<float> outputs) => Forward(path.Points(), path.PointCount, outputs);

        /// <summary>For each row of <paramref name="path"/>, the mean over its steps of the vector–Jacobian products of
        /// <paramref name="upstream"/> ([PointCount, Out]) after <see cref="Forward(IntegrationPath, Span{float})"/>:
        /// rowGradients [RowCount, In].</summary>
        public virtual void BackwardAlongPath(ReadOnlySpan<float> upstream, IntegrationPath path, Span<float> rowGradients)
        {
            var gradients = path.GradientScratch(InputSize);
            Backward(upstream, path.PointCount, gradients);
            path.AverageOverSteps(gradients, InputSize, rowGradients);
        }
    }
}
