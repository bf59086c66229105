using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Vectorised finiteness checks. ML.NET's training cursor tests one value at a time, which costs more than the
    /// copy itself; here the check rides along with the copy.
    /// A float is NaN or ±∞ exactly when all its exponent bits are set.
    /// </summary>
    internal static class FiniteValues
    {
        private const int ExponentBits = 0x7F800000;

        /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (same length) in one pass and
        /// says whether every value was finite. The destination is written either way.</summary>
        public static bool CopyAndCheck(ReadOnlySpan<float> source, Span<float> destination)
        {
            if (destination.Length != source.Length)
                throw new ArgumentException("Destination and source lengths differ.", nameof(destination));
            var exponent = new Vector<int>(ExponentBits);
            var bad = Vector<int>.Zero;
            var from = MemoryMarshal.Cast<float, Vector<float>>(source);
            var to = MemoryMarshal.Cast<float, Vector<float>>(destination);
            for (int i = 0; i < from.Length; i++)
            {
                var v = from[i];
                to[i] = v;
                bad |= Vector.Equals(Vector.AsVectorInt32(v) & exponent, exponent);
            }
            bool finite = bad == Vector<int>.Zero;
            for (int i = from.Length * Vector<float>.Count; i < source.Length; i++)
            {
                destination[i] = source[i];
                finite &= float.IsFinite(source[i]);
            }
            return finite;
        }

        /// <summary>True when no value is NaN or ±∞ (an empty span is finite).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every scored row: optimised from the first
        public static bool AllFinite(ReadOnlySpan<float> values)
        {
            var exponent = new Vector<int>(ExponentBits);
            var bad = Vector<int>.Zero;
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int i = 0; i < vectors.Length; i++)
                bad |= Vector.Equals(Vector.AsVectorInt32(vectors[i]) & exponent, exponent);
            bool finite = bad == Vector<int>.Zero;
            for (int i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
                finite &= float.IsFinite(values[i]);
            return finite;
        }
    }
}
