using System;
using System.Numerics.Tensors;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Integrated gradients (Sundararajan, Taly and Yan, 2017) of one output of a <see cref="Differentiable"/> f: for a row x
    /// and a baseline b, attribution_j = (x_j − b_j) · ∫₀¹ ∂f/∂x_j(b + α(x − b)) dα, by the midpoint rule over
    /// <see cref="Steps"/> equal steps. The attributions of a row sum to f(x) − f(b) up to the rule's error (O(1/S²)); for an
    /// affine f they are exact. Rows go through in chunks of <see cref="RowsPerChunk"/>: every step of every row of a chunk
    /// is one batch of matrix products forward and one backward. A chunk's points are bounded (<see cref="PointsPerChunk"/>,
    /// and <see cref="FloatsPerChunk"/> for wide inputs), so very wide rows or very many steps split a row's steps into
    /// blocks whose shares are summed. One instance serves one caller at a time.
    /// </summary>
    internal sealed class IntegratedGradients
    {
        /// <summary>The default step count: within 1% of completeness on the models tested, at about 8 µs per row and step for the seed network.</summary>
        public const int DefaultSteps = 32;

        /// <summary>Path points per chunk at most: large products, a few MB of scratch for the seed network.</summary>
        public const int PointsPerChunk = 4096;

        /// <summary>Points × input width per chunk at most (16 MiB of floats per buffer), for wide inputs such as text.</summary>
        public const int FloatsPerChunk = 1 << 22;

        private readonly Differentiable _function;
        private readonly IntegrationPath _path;
        private float[] _outputs = Array.Empty<float>(), _upstream = Array.Empty<float>(), _gradients = Array.Empty<float>();

        /// <param name="function">What is explained.</param>
        /// <param name="steps">S, at least 1.</param>
        /// <param name="pointsPerChunk">The points a chunk holds at most (tests force small chunks and step blocks with it).</param>
        public IntegratedGradients(Differentiable function, int steps, int pointsPerChunk = PointsPerChunk)
        {
            _function = function;
            _path = new IntegrationPath(steps, function.InputSize);
            _pointsPerChunk = pointsPerChunk;
        }

        private readonly int _pointsPerChunk;

        public int Steps => _path.TotalSteps;

        /// <summary>Points a chunk holds: <see cref="PointsPerChunk"/>, fewer for inputs wider than 1,024, at least 1.</summary>
        private int ChunkPoints => Math.Clamp(FloatsPerChunk / _function.InputSize, 1, _pointsPerChunk);

        /// <summary>Rows per chunk: as many whole paths as fit, at least one.</summary>
        public int RowsPerChunk => Math.Max(1, ChunkPoints / Steps);

        /// <summary>Steps per block: all of them when a row's path fits a chunk.</summary>
        private int StepsPerBlock => Math.Min(Steps, ChunkPoints);

        /// <summary>
        /// Attributions of <paramref name="rowCount"/> row-major rows toward output <paramref name="targets"/>[r] of each row,
        /// from <paramref name="baseline"/>, into <paramref name="attributions"/> ([rowCount, InputSize]).
        /// </summary>
        public void Attribute(ReadOnlySpan<float> rows, int rowCount, float[] baseline, ReadOnlySpan<int> targets, Span<float> attributions)
        {
            int width = _function.InputSize;
            for (int first = 0; first < rowCount; first += RowsPerChunk)
            {
                int count = Math.Min(RowsPerChunk, rowCount - first);
                var chunk = attributions.Slice(first * width, count * width);
                chunk.Clear();
                for (int step = 0; step < Steps; step += StepsPerBlock)
                {
                    _path.Reset(rows.Slice(first * width, count * width), count, baseline, step, Math.Min(StepsPerBlock, Steps - step));
                    AttributeChunk(targets.Slice(first, count), chunk);
                }
            }
        }

        /// <summary>Adds the current block's share of the chunk's attributions to <paramref name="attributions"/>.</summary>
        private void AttributeChunk(ReadOnlySpan<int> targets, Span<float> attributions)
        {
            int outputs = _function.OutputSize, points = _path.PointCount, width = _function.InputSize;
            _function.Forward(_path, Scratch(ref _outputs, points * outputs));
            var upstream = Scratch(ref _upstream, points * outputs);
            upstream.Clear();
            for (int r = 0; r < _path.RowCount; r++)
                for (int k = 0; k < _path.Steps; k++)
                    upstream[(r * _path.Steps + k) * outputs + targets[r]] = 1;
            var gradients = Scratch(ref _gradients, _path.RowCount * width);
            _function.BackwardAlongPath(upstream, _path, gradients);
            TensorPrimitives.MultiplyAdd(_path.Differences.AsSpan(0, gradients.Length), gradients, attributions, attributions);
        }

        private static Span<float> Scratch(ref float[] buffer, int length)
        {
            if (buffer.Length < length)
                buffer = new float[length];
            return buffer.AsSpan(0, length);
        }
    }
}
