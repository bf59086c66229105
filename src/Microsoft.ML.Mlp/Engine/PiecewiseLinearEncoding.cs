using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Piecewise-linear encoding of numeric features (Gorishniy et al. 2022, "On embeddings for numerical features in tabular
    /// deep learning"): each bin [lower, lower + width) of a scaled feature adds one input e = clamp((s − lower) / width, 0, 1)
    /// — 0 below the bin, 1 above it, linear inside — so the first layer can give every range of the feature its own slope.
    /// The bins are quantiles of the training rows' scaled values (<see cref="Builder"/>); a feature with at most two distinct
    /// values (binary, one-hot, constant) gets none. The encoded inputs follow the scaled features: the network's input is
    /// [s₀ … s_F−1, e₀ … e_M−1]. Immutable.
    /// </summary>
    internal sealed class PiecewiseLinearEncoding
    {
        private readonly int[] _source;
        private readonly float[] _lower;
        private readonly float[] _multiplier;

        /// <param name="source">Per encoded input, the feature it encodes (ascending).</param>
        /// <param name="lower">Per encoded input, its bin's lower edge (in scaled units).</param>
        /// <param name="multiplier">Per encoded input, 1 / its bin's width: finite and &gt; 0.</param>
        public PiecewiseLinearEncoding(int[] source, float[] lower, float[] multiplier)
        {
            if (source.Length != lower.Length || source.Length != multiplier.Length)
                throw new ArgumentException("Sources, lower edges and multipliers must have one value per encoded input.");
            _source = source;
            _lower = lower;
            _multiplier = multiplier;
        }

        /// <summary>Number of encoded inputs the encoding adds.</summary>
        public int Count => _source.Length;

        /// <summary>Per encoded input, the feature it encodes.</summary>
        public ReadOnlySpan<int> Source => _source;

        /// <summary>True when every encoded input reads one of the first <paramref name="width"/> features, in ascending order.</summary>
        public bool ReadsWithin(int width)
        {
            for (int j = 0; j < _source.Length; j++)
                if (_source[j] < 0 || _source[j] >= width || (j > 0 && _source[j] < _source[j - 1]))
                    return false;
            return true;
        }

        /// <summary>Per encoded input, its bin's lower edge.</summary>
        public ReadOnlySpan<float> Lower => _lower;

        /// <summary>Per encoded input, 1 / its bin's width.</summary>
        public ReadOnlySpan<float> Multiplier => _multiplier;

        /// <summary>One encoded value: clamp((s − lower) · multiplier, 0, 1), NaN staying NaN. The ONNX graph's operation order
        /// (Gather, Sub, Mul, Max 0, Min 1), so every path gives the same bits.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Encode(float scaled, float lower, float multiplier) => Math.Clamp((scaled - lower) * multiplier, 0f, 1f);

        /// <summary>Writes the <see cref="Count"/> encoded values of one row's <paramref name="scaled"/> features.</summary>
        public void Apply(ReadOnlySpan<float> scaled, Span<float> encoded)
        {
            for (int j = 0; j < _source.Length; j++)
                encoded[j] = Encode(scaled[_source[j]], _lower[j], _multiplier[j]);
        }

        /// <summary><see cref="Apply"/>, and each encoded value's derivative by the raw feature: the multiplier times the
        /// scaling's derivative <paramref name="scaledDerivative"/> inside the bin, 0 outside (where the clamp is flat).</summary>
        public void ApplyWithDerivative(ReadOnlySpan<float> scaled, ReadOnlySpan<float> scaledDerivative, Span<float> encoded, Span<float> derivative)
        {
            for (int j = 0; j < _source.Length; j++)
            {
                int i = _source[j];
                float t = (scaled[i] - _lower[j]) * _multiplier[j];
                encoded[j] = Math.Clamp(t, 0f, 1f);
                derivative[j] = t > 0f && t < 1f ? _multiplier[j] * scaledDerivative[i] : 0f;
            }
        }

        /// <summary>Adds each encoded input's gradient times its derivative to its feature's gradient.</summary>
        public void AddGradients(ReadOnlySpan<float> encodedGradients, ReadOnlySpan<float> derivative, Span<float> featureGradients)
        {
            for (int j = 0; j < _source.Length; j++)
                featureGradients[_source[j]] += encodedGradients[j] * derivative[j];
        }

        /// <summary>
        /// Builds the encoding of scaled training values one feature at a time, in ascending order: per feature, the values'
        /// quantiles at 0, 1/bins, …, 1 (exact, on the sorted non-NaN values), equal edges merged, each pair of consecutive
        /// edges one bin. A feature with at most two distinct values gets no bin, as does a bin too narrow for a finite 1 / width.
        /// </summary>
        public sealed class Builder
        {
            private readonly int _bins;
            private readonly List<int> _source = new();
            private readonly List<float> _lower = new(), _multiplier = new();
            private readonly List<float> _edges = new();

            /// <param name="bins">Bins per feature, at most.</param>
            public Builder(int bins) => _bins = bins;

            /// <summary>Adds feature <paramref name="feature"/>'s bins from its scaled training values (any order; sorted in place).</summary>
            public void Add(int feature, Span<float> values)
            {
                values.Sort(); // NaN sorts first
                int first = 0;
                while (first < values.Length && float.IsNaN(values[first]))
                    first++;
                var sorted = values.Slice(first);
                if (sorted.Length == 0 || DistinctAtMost(sorted, 2))
                    return;
                _edges.Clear();
                for (int t = 0; t <= _bins; t++)
                {
                    float edge = sorted[(int)((long)t * (sorted.Length - 1) / _bins)];
                    if (_edges.Count == 0 || edge > _edges[^1])
                        _edges.Add(edge);
                }
                for (int t = 0; t + 1 < _edges.Count; t++)
                {
                    float inverse = 1f / (_edges[t + 1] - _edges[t]);
                    if (!(float.IsFinite(inverse) && inverse > 0))
                        continue;
                    _source.Add(feature);
                    _lower.Add(_edges[t]);
                    _multiplier.Add(inverse);
                }
            }

            /// <summary>The encoding of the features added so far.</summary>
            public PiecewiseLinearEncoding Build() => new(_source.ToArray(), _lower.ToArray(), _multiplier.ToArray());
        }

        private static bool DistinctAtMost(ReadOnlySpan<float> sorted, int count)
        {
            int distinct = 1;
            for (int k = 1; k < sorted.Length; k++)
                if (sorted[k] != sorted[k - 1] && ++distinct > count)
                    return false;
            return true;
        }
    }
}
