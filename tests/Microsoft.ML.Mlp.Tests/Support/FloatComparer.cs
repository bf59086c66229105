using System;
using System.Collections.Generic;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Floats equal within <c>tolerance</c> · max(1, |a|, |b|): absolute near zero, relative for large values.</summary>
    internal sealed class FloatComparer : IEqualityComparer<float>
    {
        private readonly float _tolerance;

        public FloatComparer(float tolerance) => _tolerance = tolerance;

        public bool Equals(float a, float b) => Math.Abs(a - b) <= _tolerance * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));

        public int GetHashCode(float value) => 0;
    }
}
