using System;
using System.Numerics.Tensors;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The functions that turn a model's raw outputs into what it reports, each applied to one output row at a time and
    /// differentiable: a <see cref="Chain"/> puts one after a <see cref="DenseStackFunction"/>. Each keeps its last inputs and
    /// outputs for the backward pass.
    /// </summary>
    internal abstract class Head : Differentiable
    {
        private float[] _inputs = Array.Empty<float>(), _outputs = Array.Empty<float>();

        /// <summary>The last forward pass's inputs, [count, In].</summary>
        private protected ReadOnlySpan<float> Inputs => _inputs;

        /// <summary>The last forward pass's outputs, [count, Out].</summary>
        private protected ReadOnlySpan<float> Outputs => _outputs;

        public sealed override void Forward(ReadOnlySpan<float> points, int count, Span<float> outputs)
        {
            Keep(ref _inputs, points.Slice(0, count * InputSize));
            for (int i = 0; i < count; i++)
                Apply(points.Slice(i * InputSize, InputSize), outputs.Slice(i * OutputSize, OutputSize));
            Keep(ref _outputs, outputs.Slice(0, count * OutputSize));
        }

        public sealed override void Backward(ReadOnlySpan<float> upstream, int count, Span<float> gradients)
        {
            for (int i = 0; i < count; i++)
                Derive(upstream.Slice(i * OutputSize, OutputSize), Inputs.Slice(i * InputSize, InputSize), Outputs.Slice(i * OutputSize, OutputSize),
                    gradients.Slice(i * InputSize, InputSize));
        }

        /// <summary>y = f(x) for one row.</summary>
        private protected abstract void Apply(ReadOnlySpan<float> x, Span<float> y);

        /// <summary>dx = dyᵀ · ∂f/∂x at one row (<paramref name="x"/> gave <paramref name="y"/>).</summary>
        private protected abstract void Derive(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dx);

        private static void Keep(ref float[] store, ReadOnlySpan<float> values)
        {
            if (store.Length < values.Length)
                store = new float[values.Length];
            values.CopyTo(store);
        }
    }

    /// <summary>Softmax over the row (a multiclass network's probabilities): dx = y ⊙ (dy − dy · y).</summary>
    internal sealed class SoftmaxHead : Head
    {
        private readonly int _width;

        public SoftmaxHead(int width) => _width = width;

        public override int InputSize => _width;

        public override int OutputSize => _width;

        private protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
        {
            x.CopyTo(y);
            Activations.SoftMax(y);
        }

        private protected override void Derive(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dx)
        {
            float dot = TensorPrimitives.Dot(dy, y);
            for (int c = 0; c < dx.Length; c++)
                dx[c] = y[c] * (dy[c] - dot);
        }
    }

    /// <summary>z₁ − z₀ of two logits: the binary Mlp's Score (the logit of true).</summary>
    internal sealed class LogitDifferenceHead : Head
    {
        public override int InputSize => 2;

        public override int OutputSize => 1;

        private protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => y[0] = x[1] - x[0];

        private protected override void Derive(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dx) =>
            (dx[0], dx[1]) = (-dy[0], dy[0]);
    }

    /// <summary>y = scale · x + shift for one value: the regression Mlp's output in label units (× standard deviation + mean).</summary>
    internal sealed class AffineHead : Head
    {
        private readonly double _scale, _shift;

        public AffineHead(double scale, double shift) => (_scale, _shift) = (scale, shift);

        public override int InputSize => 1;

        public override int OutputSize => 1;

        private protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => y[0] = (float)(x[0] * _scale + _shift);

        private protected override void Derive(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dx) =>
            dx[0] = (float)(dy[0] * _scale);
    }

    /// <summary>ML.NET's Platt calibration of a score s: p = 1 / (1 + exp(slope · s + offset)), in double as ML.NET computes it;
    /// dp/ds = −slope · p · (1 − p).</summary>
    internal sealed class PlattHead : Head
    {
        private readonly double _slope, _offset;

        public PlattHead(double slope, double offset) => (_slope, _offset) = (slope, offset);

        public override int InputSize => 1;

        public override int OutputSize => 1;

        private protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => y[0] = (float)(1 / (1 + Math.Exp(_slope * x[0] + _offset)));

        private protected override void Derive(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dx)
        {
            double p = 1 / (1 + Math.Exp(_slope * x[0] + _offset)); // again in double: the float y loses 1 − p near 1
            dx[0] = (float)(dy[0] * -_slope * p * (1 - p));
        }
    }

    /// <summary>y = exp(x) for one value (ML.NET's Poisson regression).</summary>
    internal sealed class ExpHead : Head
    {
        public override int InputSize => 1;

        public override int OutputSize => 1;

        private protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => y[0] = MathF.Exp(x[0]);

        private protected override void Derive(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dx) =>
            dx[0] = dy[0] * y[0];
    }
}
