using System;
using System.Numerics.Tensors;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>The output softmax of managed scoring. Hidden-layer activations are not here: each is one
    /// <see cref="ActivationFunction"/> subclass in this folder.</summary>
    internal static class Activations
    {
        /// <summary>
        /// Softmax in place. Logits within ±80 take the library's one-pass SIMD softmax (the bits models have always
        /// scored with); outside, where e^x overflows or every term underflows to 0 (NaN), the max-shifted form.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every row: optimised from the first, not after tiering
        public static void SoftMax(Span<float> x)
        {
            float max = TensorPrimitives.Max(x);
            if (max > -80f && max < 80f - MathF.Log(x.Length))
            {
                TensorPrimitives.SoftMax(x, x);
                return;
            }
            TensorPrimitives.Subtract(x, max, x);
            TensorPrimitives.Exp(x, x);
            TensorPrimitives.Divide(x, TensorPrimitives.Sum(x), x);
        }
    }
}
