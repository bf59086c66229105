using System;
using System.Linq;
using System.Numerics.Tensors;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Several functions of the same input, combined: <see cref="WeightedSum"/> (a voting ensemble: Σ w_i f_i, so its
    /// attributions are exactly the weighted sum of the members') and <see cref="Concatenation"/> (a stacking ensemble's
    /// members, outputs side by side for the meta-model). Members of weight 0 are skipped, as scoring skips them.
    /// </summary>
    internal abstract class Combination : Differentiable
    {
        private float[] _outputs = Array.Empty<float>(), _upstream = Array.Empty<float>(), _gradients = Array.Empty<float>();

        private protected Combination(Differentiable[] parts)
        {
            if (parts.Length == 0 || parts.Any(p => p.InputSize != parts[0].InputSize))
                throw new ArgumentException("Every part must read the same input.");
            Parts = parts;
        }

        private protected Differentiable[] Parts { get; }

        public sealed override int InputSize => Parts[0].InputSize;

        /// <summary>Part <paramref name="i"/>'s weight in the sum (0: skipped).</summary>
        private protected abstract float Weight(int i);

        /// <summary>Adds part <paramref name="i"/>'s outputs [count, its Out] into the combined <paramref name="outputs"/>.</summary>
        private protected abstract void Combine(int i, ReadOnlySpan<float> partOutputs, int count, Span<float> outputs);

        /// <summary>Part <paramref name="i"/>'s share of the combined <paramref name="upstream"/>, [count, its Out].</summary>
        private protected abstract void Split(int i, ReadOnlySpan<float> upstream, int count, Span<float> partUpstream);

        public sealed override void Forward(ReadOnlySpan<float> points, int count, Span<float> outputs)
        {
            outputs.Slice(0, count * OutputSize).Clear();
            for (int i = 0; i < Parts.Length; i++)
                if (Weight(i) != 0)
                {
                    var values = Scratch(ref _outputs, count * Parts[i].OutputSize);
                    Parts[i].Forward(points, count, values);
                    Combine(i, values, count, outputs);
                }
        }

        public sealed override void Forward(IntegrationPath path, Span<float> outputs)
        {
            int count = path.PointCount;
            outputs.Slice(0, count * OutputSize).Clear();
            for (int i = 0; i < Parts.Length; i++)
                if (Weight(i) != 0)
                {
                    var values = Scratch(ref _outputs, count * Parts[i].OutputSize);
                    Parts[i].Forward(path, values);
                    Combine(i, values, count, outputs);
                }
        }

        public sealed override void Backward(ReadOnlySpan<float> upstream, int count, Span<float> gradients)
        {
            var total = gradients.Slice(0, count * InputSize);
            total.Clear();
            for (int i = 0; i < Parts.Length; i++)
                if (Weight(i) != 0)
                {
                    var partGradients = Scratch(ref _gradients, total.Length);
                    Parts[i].Backward(PartUpstream(i, upstream, count), count, partGradients);
                    TensorPrimitives.MultiplyAdd(partGradients, Weight(i), total, total);
                }
        }

        public sealed override void BackwardAlongPath(ReadOnlySpan<float> upstream, IntegrationPath path, Span<float> rowGradients)
        {
            var total = rowGradients.Slice(0, path.RowCount * InputSize);
            total.Clear();
            for (int i = 0; i < Parts.Length; i++)
                if (Weight(i) != 0)
                {
                    var partGradients = Scratch(ref _gradients, total.Length);
                    Parts[i].BackwardAlongPath(PartUpstream(i, upstream, path.PointCount), path, partGradients);
                    TensorPrimitives.MultiplyAdd(partGradients, Weight(i), total, total);
                }
        }

        private ReadOnlySpan<float> PartUpstream(int i, ReadOnlySpan<float> upstream, int count)
        {
            var partUpstream = Scratch(ref _upstream, count * Parts[i].OutputSize);
            Split(i, upstream, count, partUpstream);
            return partUpstream;
        }

        private static Span<float> Scratch(ref float[] buffer, int length)
        {
            if (buffer.Length < length)
                buffer = new float[length];
            return buffer.AsSpan(0, length);
        }
    }

    /// <summary>Σ_i w_i · f_i of parts with the same output width (a voting ensemble's weighted average).</summary>
    internal sealed class WeightedSum : Combination
    {
        private readonly float[] _weights;

        public WeightedSum(Differentiable[] parts, float[] weights)
            : base(parts)
        {
            if (weights.Length != parts.Length || parts.Any(p => p.OutputSize != parts[0].OutputSize))
                throw new ArgumentException("One weight per part, every part of the same output width.");
            _weights = weights;
        }

        public override int OutputSize => Parts[0].OutputSize;

        private protected override float Weight(int i) => _weights[i];

        private protected override void Combine(int i, ReadOnlySpan<float> partOutputs, int count, Span<float> outputs) =>
            TensorPrimitives.MultiplyAdd(partOutputs, _weights[i], outputs.Slice(0, partOutputs.Length), outputs.Slice(0, partOutputs.Length));

        // The weight is applied to the part's gradient (Combination sums w_i · gradient_i).
        private protected override void Split(int i, ReadOnlySpan<float> upstream, int count, Span<float> partUpstream) =>
            upstream.Slice(0, partUpstream.Length).CopyTo(partUpstream);
    }

    /// <summary>The parts' outputs side by side, part 0 first (a stacking ensemble's meta-features).</summary>
    internal sealed class Concatenation : Combination
    {
        private readonly int[] _offsets;

        public Concatenation(Differentiable[] parts)
            : base(parts)
        {
            _offsets = new int[parts.Length + 1];
            for (int i = 0; i < parts.Length; i++)
                _offsets[i + 1] = _offsets[i] + parts[i].OutputSize;
        }

        public override int OutputSize => _offsets[^1];

        private protected override float Weight(int i) => 1;

        private protected override void Combine(int i, ReadOnlySpan<float> partOutputs, int count, Span<float> outputs)
        {
            int width = Parts[i].OutputSize;
            for (int r = 0; r < count; r++)
                partOutputs.Slice(r * width, width).CopyTo(outputs.Slice(r * OutputSize + _offsets[i], width));
        }

        private protected override void Split(int i, ReadOnlySpan<float> upstream, int count, Span<float> partUpstream)
        {
            int width = Parts[i].OutputSize;
            for (int r = 0; r < count; r++)
                upstream.Slice(r * OutputSize + _offsets[i], width).CopyTo(partUpstream.Slice(r * width, width));
        }
    }
}
