using System;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Robust feature scaling with smooth clipping (<see cref="MlpFeatureScaling.Robust"/>, RealMLP's preprocessing): per
    /// feature z = (x − center) · multiplier, then y = z / √(1 + (z · ⅓)²), which leaves small values nearly unchanged and
    /// bends outliers towards ±3. Fitted once on training rows (<see cref="FeatureScalerFit"/>) and saved with the model; this
    /// one arithmetic scales the training rows, every scoring path and (as the same operations) the ONNX graph, so training
    /// and scoring see bit-identical inputs. With a <see cref="PiecewiseLinearEncoding"/> the scaled features are followed by
    /// their encoded bins, so the network reads <see cref="OutputWidth"/> values per row. Immutable: the members of a fused
    /// ensemble share one.
    /// </summary>
    internal sealed class FeatureScaler
    {
        /// <summary>The clip's inner factor: y = z / √(1 + (z · ClipFactor)²) tends to ±1 / ClipFactor = ±3.</summary>
        public const float ClipFactor = 1f / 3f;

        /// <summary>|z| is saturated to this before the clip: beyond ~5e19 (z · ⅓)² would overflow float and an outlier would
        /// clip to 0 (or ∞ / ∞ = NaN). At 1e18 the clip already gives ±3 to float precision, so nothing else changes.</summary>
        public const float Saturation = 1e18f;

        private readonly float[] _center;
        private readonly float[] _multiplier;

        /// <param name="center">Per feature, subtracted first (all zeros for sparse rows).</param>
        /// <param name="multiplier">Per feature, finite and &gt; 0: 1 / the feature's scale.</param>
        /// <param name="encoding">The bins appended after the scaled features, or null for none.</param>
        public FeatureScaler(float[] center, float[] multiplier, PiecewiseLinearEncoding encoding = null)
        {
            if (center.Length != multiplier.Length)
                throw new ArgumentException("Centers and multipliers must have one value per feature.");
            if (encoding != null && !encoding.ReadsWithin(center.Length))
                throw new ArgumentException("The encoding reads a feature the scaler does not have.");
            _center = center;
            _multiplier = multiplier;
            Encoding = encoding is { Count: > 0 } ? encoding : null;
            KeepsZeros = Encoding == null && Array.TrueForAll(center, c => c == 0);
        }

        /// <summary>Number of features (the model's input).</summary>
        public int Width => _center.Length;

        /// <summary>Values per row after scaling (the network's input): the features, then the encoded bins.</summary>
        public int OutputWidth => Width + (Encoding?.Count ?? 0);

        /// <summary>The piecewise-linear encoding after the scaling, or null for none.</summary>
        public PiecewiseLinearEncoding Encoding { get; }

        /// <summary>Per feature, subtracted before the multiplication.</summary>
        public ReadOnlySpan<float> Center => _center;

        /// <summary>Per feature, multiplied after the centring.</summary>
        public ReadOnlySpan<float> Multiplier => _multiplier;

        /// <summary>Every center is 0 and nothing is encoded: a zero scales to 0, so sparse rows stay sparse and may be scaled as
        /// their non-zeros.</summary>
        public bool KeepsZeros { get; }

        /// <summary>One value: saturate((x − center) · multiplier), then the smooth clip. The operation order is the ONNX
        /// graph's (Onnx/MlpOnnxWriter.cs); .NET does not fuse a multiply and an add, so every path gives the same bits.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Scale(float x, float center, float multiplier)
        {
            float z = Math.Clamp((x - center) * multiplier, -Saturation, Saturation); // NaN stays NaN
            float t = z * ClipFactor;
            return z / MathF.Sqrt(1 + t * t);
        }

        /// <summary>Scales one dense row of <see cref="Width"/> values into the first <see cref="OutputWidth"/> values of
        /// <paramref name="destination"/> (which may start at the row's memory).</summary>
        public void Apply(ReadOnlySpan<float> row, Span<float> destination)
        {
            var center = _center.AsSpan();
            var multiplier = _multiplier.AsSpan(0, center.Length);
            row = row.Slice(0, center.Length);
            for (int j = 0; j < row.Length; j++)
                destination[j] = Scale(row[j], center[j], multiplier[j]);
            Encoding?.Apply(destination.Slice(0, Width), destination.Slice(Width));
        }

        /// <summary>Scales one dense row as <see cref="Apply(ReadOnlySpan{float}, Span{float})"/> does (the same bits) and writes
        /// the scaling's derivative dy/dx per feature into <paramref name="derivative"/>: multiplier · (1 + (z · ⅓)²)^(−3/2), 0 where
        /// z is saturated, and each encoded bin's derivative by its feature. Both spans hold <see cref="OutputWidth"/> values.
        /// Integrated gradients chain them in (<see cref="AddGradients"/>), so attributions are in the model's raw input space.</summary>
        public void ApplyWithDerivative(ReadOnlySpan<float> row, Span<float> destination, Span<float> derivative)
        {
            for (int j = 0; j < Width; j++)
            {
                float z = Math.Clamp((row[j] - _center[j]) * _multiplier[j], -Saturation, Saturation);
                float t = z * ClipFactor, root = MathF.Sqrt(1 + t * t);
                destination[j] = z / root;
                derivative[j] = MathF.Abs(z) < Saturation ? _multiplier[j] / (root * root * root) : 0f;
            }
            Encoding?.ApplyWithDerivative(destination.Slice(0, Width), derivative.Slice(0, Width), destination.Slice(Width), derivative.Slice(Width));
        }

        /// <summary>The gradient by the raw features (<see cref="Width"/> values) from the gradient by the network's inputs
        /// (<see cref="OutputWidth"/> values) and the derivatives <see cref="ApplyWithDerivative"/> wrote.</summary>
        public void AddGradients(ReadOnlySpan<float> inputGradients, ReadOnlySpan<float> derivative, Span<float> featureGradients)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(inputGradients.Slice(0, Width), derivative.Slice(0, Width), featureGradients.Slice(0, Width));
            Encoding?.AddGradients(inputGradients.Slice(Width), derivative.Slice(Width), featureGradients);
        }

        /// <summary>Scales the non-zeros of one sparse row (<paramref name="indices"/> and their <paramref name="values"/>) into
        /// <paramref name="destination"/> (may be the same memory). Only for a scaler that <see cref="KeepsZeros"/>.</summary>
        public void ApplySparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> destination)
        {
            if (!KeepsZeros)
                throw new InvalidOperationException("A centring scaler changes zeros: scale the row densely.");
            for (int k = 0; k < indices.Length; k++)
                destination[k] = Scale(values[k], _center[indices[k]], _multiplier[indices[k]]);
        }

        /// <summary>The rows of <paramref name="data"/> scaled: rewritten in place (they are the fit's own copy; dense rows
        /// whole, sparse rows as their non-zeros) and returned, or, with an encoding, copied into new wider rows.</summary>
        public TrainingData Apply(TrainingData data)
        {
            if (data.FeatureCount != Width)
                throw new ArgumentException($"The rows have {data.FeatureCount} features; the scaler was fitted on {Width}.");
            if (data.Sparse is { } sparse)
            {
                if (Encoding != null)
                    throw new InvalidOperationException("A piecewise-linear encoding reads dense rows.");
                int nonZeros = checked((int)sparse.NonZeroCount);
                ApplySparse(sparse.Indices.AsSpan(0, nonZeros), sparse.Values.AsSpan(0, nonZeros), sparse.Values.AsSpan(0, nonZeros));
                return data;
            }
            if (Encoding == null)
            {
                for (int r = 0; r < data.RowCount; r++)
                {
                    var row = data.Features.AsSpan(r * data.FeatureCount, data.FeatureCount);
                    Apply(row, row);
                }
                return data;
            }
            int width = OutputWidth;
            var encoded = new float[checked((long)data.RowCount * width)];
            for (int r = 0; r < data.RowCount; r++)
                Apply(data.Features.AsSpan(r * data.FeatureCount, data.FeatureCount), encoded.AsSpan(r * width, width));
            return new TrainingData(encoded, data.Labels, data.Weights, data.RowCount, width);
        }
    }
}
