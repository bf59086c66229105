using System;
using System.Runtime.CompilerServices;
using System.Numerics.Tensors;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>Managed activations for scoring, matching torch's definitions.</summary>
    internal static class Activations
    {
        public const float LeakyReluSlope = 0.01f;
        public const float SeluAlpha = 1.6732632423543772f;
        public const float SeluScale = 1.0507009873554805f;

        /// <summary>Applies the activation in place.</summary>
        public static void Apply(MlpActivation activation, Span<float> x) => Apply(activation, x, x);

        /// <summary>y = f(x); <paramref name="y"/> may be <paramref name="x"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public static void Apply(MlpActivation activation, ReadOnlySpan<float> x, Span<float> y)
        {
            switch (activation)
            {
                case MlpActivation.Relu:
                    TensorPrimitives.Max(x, 0f, y);
                    break;
                case MlpActivation.LeakyRelu:
                    for (int i = 0; i < x.Length; i++)
                        y[i] = x[i] > 0 ? x[i] : LeakyReluSlope * x[i];
                    break;
                case MlpActivation.Elu:
                    for (int i = 0; i < x.Length; i++)
                        y[i] = x[i] > 0 ? x[i] : MathF.Exp(x[i]) - 1f;
                    break;
                case MlpActivation.Selu:
                    for (int i = 0; i < x.Length; i++)
                        y[i] = SeluScale * (x[i] > 0 ? x[i] : SeluAlpha * (MathF.Exp(x[i]) - 1f));
                    break;
                case MlpActivation.Gelu:
                    for (int i = 0; i < x.Length; i++)
                        y[i] = (float)(0.5 * x[i] * (1.0 + Erf(x[i] / Math.Sqrt(2.0))));
                    break;
                case MlpActivation.Tanh:
                    TensorPrimitives.Tanh(x, y);
                    break;
                case MlpActivation.Sigmoid:
                    TensorPrimitives.Sigmoid(x, y);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
            }
        }

        /// <summary>
        /// Softmax in place. Logits within ±80 take the library's one-pass SIMD softmax (the bits models have always
        /// scored with); outside, where e^x overflows or every term underflows to 0 (NaN), the max-shifted form.
        /// </summary>
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

        /// <summary>erf(x) by the
        /// Numerical Recipes erfc Chebyshev fit: relative error below 1.2e-7, under float precision.</summary>
        public static double Erf(double x)
        {
            double z = Math.Abs(x);
            double t = 1.0 / (1.0 + 0.5 * z);
            double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
            return x >= 0 ? 1.0 - erfc : erfc - 1.0;
        }
    }
}
