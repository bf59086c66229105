using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The straight lines from a baseline b to each of a chunk of rows x_r, sampled at the midpoints α_k = (k + ½) / S of S
    /// equal steps: point (r, k) = b + α_k · (x_r − b), stored row by row (index r · Steps + k). The midpoint rule integrates a
    /// smooth path with error O(1/S²) and never evaluates the endpoints. A chunk holds a block of consecutive steps (all S
    /// unless the points of even one row would not fit the memory bound), so <see cref="Steps"/> may be fewer than
    /// <see cref="TotalSteps"/>. Reused chunk after chunk; owns its buffers.
    /// </summary>
    internal sealed class IntegrationPath
    {
        private readonly float[] _alphas;
        private AlignedBuffer _differences = new(0);
        private AlignedBuffer _points = new(0);
        private float[] _gradients = Array.Empty<float>();
        private bool _pointsBuilt;

        /// <param name="steps">S, at least 1.</param>
        /// <param name="width">The width of a row (the input size).</param>
        public IntegrationPath(int steps, int width)
        {
            if (steps < 1)
                throw new ArgumentOutOfRangeException(nameof(steps), steps, "At least one step is needed.");
            TotalSteps = steps;
            Width = width;
            _alphas = new float[steps];
            for (int k = 0; k < steps; k++)
                _alphas[k] = (k + 0.5f) / steps;
        }

        /// <summary>S: the steps of the whole path, which weigh each point 1/S.</summary>
        public int TotalSteps { get; }

        /// <summary>The steps of the current chunk's block: its points are (r, k) for k below this.</summary>
        public int Steps { get; private set; }

        private int _firstStep;

        public int Width { get; }

        public int RowCount { get; private set; }

        public int PointCount => RowCount * Steps;

        /// <summary>The baseline b of the current chunk.</summary>
        public ReadOnlySpan<float> Baseline => _baseline;

        private float[] _baseline = Array.Empty<float>();

        /// <summary>α of step <paramref name="k"/> of the current block.</summary>
        public float Alpha(int k) => _alphas[_firstStep + k];

        /// <summary>x_r − b for the chunk's rows, [RowCount, Width], 64-byte aligned for matrix products.</summary>
        public AlignedBuffer Differences => _differences;

        /// <summary>Starts a chunk: the first <paramref name="count"/> rows of the row-major <paramref name="rows"/>, their
        /// baseline, and the block of steps [<paramref name="firstStep"/>, firstStep + <paramref name="steps"/>).</summary>
        public void Reset(ReadOnlySpan<float> rows, int count, float[] baseline, int firstStep, int steps)
        {
            if (baseline.Length != Width || rows.Length < count * Width)
                throw new ArgumentException("The rows and the baseline must have the path's width.");
            if (firstStep < 0 || steps < 1 || firstStep + steps > TotalSteps)
                throw new ArgumentOutOfRangeException(nameof(steps), steps, $"Steps [{firstStep}, {firstStep + steps}) are not within the path's {TotalSteps}.");
            (_firstStep, Steps) = (firstStep, steps);
            RowCount = count;
            _baseline = baseline;
            _pointsBuilt = false;
            Grow(ref _differences, count * Width);
            var differences = _differences.AsSpan(0, count * Width);
            for (int r = 0; r < count; r++)
                System.Numerics.Tensors.TensorPrimitives.Subtract(rows.Slice(r * Width, Width), baseline, differences.Slice(r * Width, Width));
        }

        /// <summary>Every point of the chunk, [PointCount, Width], built on first use.</summary>
        public ReadOnlySpan<float> Points()
        {
            int count = PointCount * Width;
            if (!_pointsBuilt)
            {
                Grow(ref _points, count);
                var points = _points.AsSpan(0, count);
                var differences = _differences.AsSpan();
                for (int r = 0; r < RowCount; r++)
                    for (int k = 0; k < Steps; k++)
                        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(differences.Slice(r * Width, Width), Alpha(k), _baseline,
                            points.Slice((r * Steps + k) * Width, Width));
                _pointsBuilt = true;
            }
            return _points.AsSpan(0, count);
        }

        /// <summary>A scratch block of [PointCount, <paramref name="width"/>] for per-point gradients (shared: use it at once).</summary>
        public Span<float> GradientScratch(int width)
        {
            int count = PointCount * width;
            if (_gradients.Length < count)
                _gradients = new float[count];
            return _gradients.AsSpan(0, count);
        }

        /// <summary>rowGradients[r, :] = (1/S) Σ_k gradients[r · Steps + k, :] over the block's steps, for [PointCount, width]
        /// gradients: the whole path's mean when the block is all of it, its share otherwise.</summary>
        public void AverageOverSteps(ReadOnlySpan<float> gradients, int width, Span<float> rowGradients)
        {
            float weight = 1f / TotalSteps;
            for (int r = 0; r < RowCount; r++)
            {
                var sum = rowGradients.Slice(r * width, width);
                Kernels.SumRows(gradients.Slice(r * Steps * width, Steps * width), sum, Steps);
                System.Numerics.Tensors.TensorPrimitives.Multiply(sum, weight, sum);
            }
        }

        /// <summary>Replaces <paramref name="buffer"/> by a larger one when it holds fewer than <paramref name="length"/> floats.</summary>
        public static void Grow(ref AlignedBuffer buffer, int length)
        {
            if (buffer.Length < length)
                buffer = new AlignedBuffer(length);
        }
    }
}
