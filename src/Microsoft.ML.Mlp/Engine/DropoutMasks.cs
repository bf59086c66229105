using System;
using System.Runtime.CompilerServices;

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

        /// <summary>Fills <paramref name="scale"/> with 0 (dropped, probability <paramref name="rate"/>, to 1/65536) or 1/(1−rate).
        /// Each 32-bit draw decides two elements (16 bits each).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public void Fill(Span<float> scale, float rate)
        {
            int threshold = (int)Math.Round(rate * 65536.0);
            int keep = BitConverter.SingleToInt32Bits(1f / (1f - rate));
            // The state lives in locals for the loop: as fields every step would round-trip through memory.
            uint s0 = _s0, s1 = _s1, s2 = _s2, s3 = _s3;
            var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(scale);
            int i = 0;
            for (; i + 1 < bits.Length; i += 2)
            {
                uint draw = Next(ref s0, ref s1, ref s2, ref s3);
                bits[i] = Scale((int)(draw & 0xFFFF), threshold, keep);
                bits[i + 1] = Scale((int)(draw >> 16), threshold, keep);
            }
            if (i < bits.Length)
                bits[i] = Scale((int)(Next(ref s0, ref s1, ref s2, ref s3) & 0xFFFF), threshold, keep);
            _s0 = s0; _s1 = s1; _s2 = s2; _s3 = s3;
        }

        /// <summary>The bits of 0f when <paramref name="draw"/> &lt; <paramref name="threshold"/>, else <paramref name="keep"/>:
        /// without a branch, which random draws would mispredict about once in five (rate 0.2).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Scale(int draw, int threshold, int keep) => keep & ~((draw - threshold) >> 31); // both in [0, 65536]

        /// <summary>One xoshiro128** step on state held in locals (registers).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static uint Next(ref uint s0, ref uint s1, ref uint s2, ref uint s3)
        {
            uint result = RotateLeft(s1 * 5, 7) * 9;
            uint t = s1 << 9;
            s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
            s2 ^= t;
            s3 = RotateLeft(s3, 11);
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
