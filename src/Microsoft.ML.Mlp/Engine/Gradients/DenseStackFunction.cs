using System;
using System.Numerics.Tensors;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// A <see cref="DenseStack"/> (a network, or an affine model) as a <see cref="Differentiable"/>: the last layer's raw
    /// outputs (no softmax) of a batch of points, and their vector–Jacobian products back to the raw input, through the
    /// hidden activations' derivatives and the feature scaler's. Every layer of a batch is one libtorch product over aligned
    /// buffers, forward (x · W) and backward (δ · Wᵀ). Without a scaler the first layer is linear in the input, so on a path
    /// it is computed once per row, not per step: W·(b + α(x − b)) = W·b + α·W(x − b), and the mean gradient over the steps is
    /// Wᵀ·(mean δ) — for the seed network that removes four fifths of the arithmetic.
    /// </summary>
    internal sealed class DenseStackFunction : Differentiable
    {
        private readonly DenseStack _stack;
        private readonly AlignedBuffer[] _pre;  // per layer: its pre-activation values [count, out]
        private readonly AlignedBuffer[] _post; // per hidden layer: the activation's output [count, out]
        private AlignedBuffer _input = new(0), _firstRows = new(0), _gradients = new(0), _meanDelta = new(0);
        private readonly AlignedBuffer[] _deltas = { new(0), new(0) };
        private float[] _derivative = Array.Empty<float>();
        private bool _alongPath;

        public DenseStackFunction(DenseStack stack)
        {
            _stack = stack;
            _pre = new AlignedBuffer[stack.LayerCount];
            _post = new AlignedBuffer[stack.LayerCount];
            for (int l = 0; l < stack.LayerCount; l++)
                (_pre[l], _post[l]) = (new AlignedBuffer(0), new AlignedBuffer(0));
        }

        /// <summary>The model's features: the scaler's width, or the first layer's.</summary>
        public override int InputSize => _stack.Scaler?.Width ?? _stack.InputSize;

        public override int OutputSize => _stack.OutputSize;

        public override void Forward(ReadOnlySpan<float> points, int count, Span<float> outputs)
        {
            _alongPath = false;
            int features = InputSize, width = _stack.InputSize;
            IntegrationPath.Grow(ref _input, count * width);
            var input = _input.AsSpan(0, count * width);
            if (_stack.Scaler is { } scaler)
            {
                if (_derivative.Length < input.Length)
                    _derivative = new float[input.Length];
                for (int r = 0; r < count; r++)
                    scaler.ApplyWithDerivative(points.Slice(r * features, features), input.Slice(r * width, width), _derivative.AsSpan(r * width, width));
            }
            else
            {
                points.Slice(0, input.Length).CopyTo(input);
            }
            IntegrationPath.Grow(ref _pre[0], count * _stack.Outputs[0]);
            Kernels.FillRows(_pre[0].AsSpan(), _stack.Biases[0], count);
            Products.MultiplyAdd(_pre[0], _input, count, width, _stack.Weights[0], _stack.Outputs[0], beta: 1);
            FinishForward(count, outputs);
        }

        public override void Forward(IntegrationPath path, Span<float> outputs)
        {
            if (_stack.Scaler != null) // the scaler bends the path: every point goes through the first layer
            {
                base.Forward(path, outputs);
                return;
            }
            int rows = path.RowCount, width = _stack.Outputs[0];
            IntegrationPath.Grow(ref _firstRows, rows * width);
            Products.MultiplyAdd(_firstRows, path.Differences, rows, InputSize, _stack.Weights[0], width, beta: 0);
            var start = (float[])_stack.Biases[0].Clone(); // W·b + bias, the first layer at the baseline
            var weights = _stack.Weights[0].AsSpan();
            var baseline = path.Baseline;
            for (int i = 0; i < baseline.Length; i++)
                if (baseline[i] != 0)
                    Kernels.AddScaled(weights.Slice(i * width, width), baseline[i], start);
            IntegrationPath.Grow(ref _pre[0], path.PointCount * width);
            var pre = _pre[0].AsSpan();
            for (int r = 0; r < rows; r++)
                for (int k = 0; k < path.Steps; k++)
                    TensorPrimitives.MultiplyAdd(_firstRows.AsSpan(r * width, width), path.Alpha(k), start, pre.Slice((r * path.Steps + k) * width, width));
            FinishForward(path.PointCount, outputs);
            _alongPath = true;
        }

        /// <summary>Layers 1.. from layer 0's pre-activation values; the last layer's values into <paramref name="outputs"/>.</summary>
        private void FinishForward(int count, Span<float> outputs)
        {
            int last = _stack.LayerCount - 1;
            for (int l = 0; l <= last; l++)
            {
                int width = _stack.Outputs[l];
                if (l > 0)
                {
                    IntegrationPath.Grow(ref _pre[l], count * width);
                    Kernels.FillRows(_pre[l].AsSpan(), _stack.Biases[l], count);
                    Products.MultiplyAdd(_pre[l], _post[l - 1], count, _stack.Inputs[l], _stack.Weights[l], width, beta: 1);
                }
                if (l < last)
                {
                    IntegrationPath.Grow(ref _post[l], count * width);
                    _stack.Activation.Forward(_pre[l].AsSpan(0, count * width), _post[l].AsSpan(0, count * width));
                }
            }
            _pre[last].AsSpan(0, count * OutputSize).CopyTo(outputs);
        }

        public override void Backward(ReadOnlySpan<float> upstream, int count, Span<float> gradients)
        {
            var delta = DeltaOfFirstLayer(upstream, count);
            int features = InputSize, width = _stack.InputSize;
            IntegrationPath.Grow(ref _gradients, count * width);
            Products.MultiplyAdd(_gradients, delta, count, _stack.Outputs[0], _stack.Transposed[0], width, beta: 0);
            var result = _gradients.AsSpan(0, count * width);
            if (_stack.Scaler is not { } scaler)
            {
                result.CopyTo(gradients);
                return;
            }
            for (int r = 0; r < count; r++) // through the scaling's (and encoding's) derivatives back to the raw features
                scaler.AddGradients(result.Slice(r * width, width), _derivative.AsSpan(r * width, width), gradients.Slice(r * features, features));
        }

        public override void BackwardAlongPath(ReadOnlySpan<float> upstream, IntegrationPath path, Span<float> rowGradients)
        {
            if (!_alongPath)
            {
                base.BackwardAlongPath(upstream, path, rowGradients);
                return;
            }
            int first = _stack.Outputs[0], rows = path.RowCount;
            var delta = DeltaOfFirstLayer(upstream, path.PointCount);
            IntegrationPath.Grow(ref _meanDelta, rows * first);
            path.AverageOverSteps(delta.AsSpan(0, path.PointCount * first), first, _meanDelta.AsSpan(0, rows * first));
            IntegrationPath.Grow(ref _gradients, rows * InputSize);
            Products.MultiplyAdd(_gradients, _meanDelta, rows, first, _stack.Transposed[0], InputSize, beta: 0);
            _gradients.AsSpan(0, rows * InputSize).CopyTo(rowGradients);
        }

        /// <summary>∂(Σ upstream · outputs)/∂(layer 0's pre-activation values), [count, Outputs[0]], back through layers last..1.</summary>
        private AlignedBuffer DeltaOfFirstLayer(ReadOnlySpan<float> upstream, int count)
        {
            int current = 0;
            IntegrationPath.Grow(ref _deltas[0], count * OutputSize);
            upstream.Slice(0, count * OutputSize).CopyTo(_deltas[0].AsSpan());
            for (int l = _stack.LayerCount - 1; l > 0; l--)
            {
                int width = _stack.Inputs[l], next = 1 - current;
                IntegrationPath.Grow(ref _deltas[next], count * width);
                Products.MultiplyAdd(_deltas[next], _deltas[current], count, _stack.Outputs[l], _stack.Transposed[l], width, beta: 0);
                _stack.Activation.Backward(_deltas[next].AsSpan(0, count * width), _pre[l - 1].AsSpan(0, count * width), _post[l - 1].AsSpan(0, count * width));
                current = next;
            }
            return _deltas[current];
        }
    }
}
