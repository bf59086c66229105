using System;
using System.Numerics.Tensors;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Exact quartiles of a feature's values by selection (Hoare's FIND, median-of-three pivots): expected linear time, where
    /// sorting each column would cost n log n. Each quantile p interpolates linearly between the order statistics around
    /// (n − 1) · p, numpy's default. Deterministic: the same values in the same order give the same result.
    /// </summary>
    internal static class Quartiles
    {
        /// <summary>The minimum, the 25th, 50th and 75th percentiles and the maximum of <paramref name="values"/> (at least one,
        /// all finite), which are reordered in place.</summary>
        public static (double Min, double Q25, double Median, double Q75, double Max) Of(Span<float> values)
        {
            int n = values.Length;
            double min = TensorPrimitives.Min(values), max = TensorPrimitives.Max(values);
            int k50 = Below(n, 0.5), k25 = Below(n, 0.25), k75 = Below(n, 0.75);
            // Each selection leaves the k smallest values before position k, so the next one up is the minimum after it.
            Select(values, k50);
            double median = Interpolate(values, k50, 0.5);
            if (k25 < k50)
                Select(values[..k50], k25);
            double q25 = Interpolate(values, k25, 0.25);
            if (k75 > k50)
                Select(values[(k50 + 1)..], k75 - k50 - 1);
            double q75 = Interpolate(values, k75, 0.75);
            return (min, q25, median, q75, max);
        }

        /// <summary>The order statistic below the quantile <paramref name="p"/> of <paramref name="n"/> values.</summary>
        private static int Below(int n, double p) => (int)Math.Floor((n - 1) * p);

        /// <summary>Quantile <paramref name="p"/>, from order statistic <paramref name="k"/> (in place) and the smallest value after it.</summary>
        private static double Interpolate(Span<float> values, int k, double p)
        {
            double fraction = (values.Length - 1) * p - k;
            if (fraction == 0)
                return values[k];
            double next = TensorPrimitives.Min(values[(k + 1)..]);
            return values[k] + fraction * (next - values[k]);
        }

        /// <summary>Reorders <paramref name="values"/> so that position <paramref name="k"/> holds the value a sort would put
        /// there, none greater before it and none smaller after it.</summary>
        private static void Select(Span<float> values, int k)
        {
            int low = 0, high = values.Length - 1;
            while (low < high)
            {
                float pivot = MedianOfThree(values[low], values[low + (high - low) / 2], values[high]);
                int i = low, j = high;
                while (i <= j)
                {
                    while (values[i] < pivot)
                        i++;
                    while (values[j] > pivot)
                        j--;
                    if (i <= j)
                    {
                        (values[i], values[j]) = (values[j], values[i]);
                        i++;
                        j--;
                    }
                }
                if (k <= j)
                    high = j;
                else if (k >= i)
                    low = i;
                else
                    return; // between j and i every value equals the pivot
            }
        }

        private static float MedianOfThree(float a, float b, float c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
    }
}
