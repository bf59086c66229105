using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Inverted-dropout scales (0 or 1/(1−rate)) from a seeded xoshiro128** generator in managed code: no native RNG
    /// call per layer and step, and both training paths draw exactly the same masks in the same order.
    /// </summary>
    internal sealed class DropoutMasks
    {
        private uint _s0, _s1, _s2, _s3;

        public DropoutMasks(int seed)
        {
            // splitmix64 expands the seed into a non-zero state.
            ulong x = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + 0xD1B54A32D192ED03UL);
            ulong a = SplitMix(ref x), b = SplitMix(ref x);
            _s0 = (uint)a; _s1 = (uint)(a >> 32); _s2 = (uint)b; _s3 = (uint)(b >> 32) | 1;
        }

        /// <summary>Fills <paramref name="scale"/> with 0 (dropped, probability <paramref name="rate"/>) or 1/(1−rate).</summary>
        public void Fill(Span<float> scale, float rate)
        {
            uint threshold = (uint)Math.Min(uint.MaxValue, rate * 4294967296.0);
            float keep = 1f / (1f - rate);
            for (int i = 0; i < scale.Length; i++)
                scale[i] = Next() < threshold ? 0f : keep;
        }

        private uint Next()
        {
            uint result = RotateLeft(_s1 * 5, 7) * 9;
            uint t = _s1 << 9;
            _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
            _s2 ^= t;
            _s3 = RotateLeft(_s3, 11);
            return result;
        }

        private static uint RotateLeft(uint x, int k) => (x << k) | (x >> (32 - k));

        private static ulong SplitMix(ref ulong x)
        {
            ulong z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
