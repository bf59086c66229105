using System;
using System.Collections.Generic;
using System.Numerics;
using Microsoft.ML.Data;

namespace Microsoft.ML.Mlp.Benchmarks.Text
{
    /// <summary>
    /// Dense rows generated as a cursor asks for them: features uniform in [−1, 1), the label the best of 10 fixed
    /// linear scores (plus 5 % label noise), so a model has something to learn. Row i depends only on (seed, i), and
    /// nothing holds more than one row: the IDataView is as large as asked without taking memory.
    /// </summary>
    public static class DenseStreamData
    {
        public const int Classes = 10;

        /// <summary>One row; the label is already a key (1-based), so no MapValueToKey pass over the stream is needed.</summary>
        public sealed class Row
        {
            public uint Label;
            public float[] Features;
        }

        /// <summary>An IDataView over rows <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1,
        /// generated lazily on every cursor.</summary>
        public static IDataView Load(MLContext ml, long first, long count, int features, int seed)
        {
            var schema = SchemaDefinition.Create(typeof(Row));
            schema[nameof(Row.Label)].ColumnType = new KeyDataViewType(typeof(uint), Classes);
            schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
            return ml.Data.LoadFromEnumerable(Rows(first, count, features, seed), schema);
        }

        private static IEnumerable<Row> Rows(long first, long count, int features, int seed)
        {
            var weights = Weights(features, seed);
            for (long i = first; i < first + count; i++)
            {
                ulong state = (ulong)seed << 40 ^ (ulong)i;
                var x = new float[features];
                for (int f = 0; f < x.Length; f++)
                    x[f] = (float)((Next(ref state) >> 40) * (2.0 / (1UL << 24)) - 1);
                int label = Next(ref state) % 20 == 0 ? (int)(Next(ref state) % Classes) : Best(weights, x);
                yield return new Row { Label = (uint)label + 1, Features = x };
            }
        }

        private static int Best(float[][] weights, float[] x)
        {
            int best = 0;
            float bestScore = float.NegativeInfinity;
            for (int c = 0; c < weights.Length; c++)
            {
                float score = Dot(weights[c], x);
                if (score > bestScore)
                    (best, bestScore) = (c, score);
            }
            return best;
        }

        private static float Dot(float[] a, float[] b)
        {
            var sum = Vector<float>.Zero;
            int i = 0;
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
                sum += new Vector<float>(a, i) * new Vector<float>(b, i);
            float total = Vector.Dot(sum, Vector<float>.One);
            for (; i < a.Length; i++)
                total += a[i] * b[i];
            return total;
        }

        private static float[][] Weights(int features, int seed)
        {
            var random = new Random(seed + 1);
            var weights = new float[Classes][];
            for (int c = 0; c < Classes; c++)
            {
                weights[c] = new float[features];
                for (int f = 0; f < features; f++)
                    weights[c][f] = (float)(random.NextDouble() * 2 - 1);
            }
            return weights;
        }

        /// <summary>SplitMix64: a fast, stateless-per-row generator.</summary>
        private static ulong Next(ref ulong state)
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
