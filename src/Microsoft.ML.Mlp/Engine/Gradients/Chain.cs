using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// f = f_n ∘ … ∘ f_1: a network and its head, or the members of a stacking ensemble and its meta-model. Only the first stage
    /// sees the path (it may take the path's shortcut); the later ones see the points' values. Backward runs the stages in
    /// reverse, each stage's input gradient the next one's upstream.
    /// </summary>
    internal sealed class Chain : Differentiable
    {
        private readonly Differentiable[] _stages;
        private readonly float[][] _values;    // stage i's output, [count, stages[i].Out]
        private readonly float[][] _gradients; // ∂/∂(stage i's input) for i ≥ 1

        public Chain(params Differentiable[] stages)
        {
            for (int i = 1; i < stages.Length; i++)
                if (stages[i].InputSize != stages[i - 1].OutputSize)
                    throw new ArgumentException($"Stage {i} reads {stages[i].InputSize} values but stage {i - 1} outputs {stages[i - 1].OutputSize}.");
            _stages = stages;
            _values = new float[stages.Length][];
            _gradients = new float[stages.Length][];
            for (int i = 0; i < stages.Length; i++)
                (_values[i], _gradients[i]) = (Array.Empty<float>(), Array.Empty<float>());
        }

        public override int InputSize => _stages[0].InputSize;

        public override int OutputSize => _stages[^1].OutputSize;

        public override void Forward(ReadOnlySpan<float> points, int count, Span<float> outputs)
        {
            _stages[0].Forward(points, count, Values(0, count));
            FinishForward(count, outputs);
        }

        public override void Forward(IntegrationPath path, Span<float> outputs)
        {
            _stages[0].Forward(path, Values(0, path.PointCount));
            FinishForward(path.PointCount, outputs);
        }

        private void FinishForward(int count, Span<float> outputs)
        {
            for (int i = 1; i < _stages.Length; i++)
                _stages[i].Forward(_values[i - 1].AsSpan(0, count * _stages[i - 1].OutputSize), count, Values(i, count));
            Values(_stages.Length - 1, count).CopyTo(outputs);
        }

        public override void Backward(ReadOnlySpan<float> upstream, int count, Span<float> gradients) =>
            _stages[0].Backward(UpstreamOfFirst(upstream, count), count, gradients);

        public override void BackwardAlongPath(ReadOnlySpan<float> upstream, IntegrationPath path, Span<float> rowGradients) =>
            _stages[0].BackwardAlongPath(UpstreamOfFirst(upstream, path.PointCount), path, rowGradients);

        /// <summary>The gradient with respect to the first stage's outputs: back through stages n..2.</summary>
        private ReadOnlySpan<float> UpstreamOfFirst(ReadOnlySpan<float> upstream, int count)
        {
            for (int i = _stages.Length - 1; i > 0; i--)
            {
                var gradient = Scratch(ref _gradients[i], count * _stages[i].InputSize);
                _stages[i].Backward(upstream, count, gradient);
                upstream = gradient;
            }
            return upstream;
        }

        private Span<float> Values(int stage, int count) => Scratch(ref _values[stage], count * _stages[stage].OutputSize);

        private static Span<float> Scratch(ref float[] buffer, int length)
        {
            if (buffer.Length < length)
                buffer = new float[length];
            return buffer.AsSpan(0, length);
        }
    }
}
