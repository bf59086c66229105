using System;
using System.Numerics.Tensors;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The element-wise halves of the fast path's forward and backward passes, on row-major [rows, width] spans of
    /// one member. Each is a few SIMD passes; the matrix products stay in libtorch (addmm_).
    /// </summary>
    internal static class Kernels
    {
        /// <summary>Broadcasts <paramref name="bias"/> into every row of <paramref name="output"/> (addmm_ then adds x·W).</summary>
        public static void FillRows(Span<float> output, ReadOnlySpan<float> bias, int rows)
        {
            for (int r = 0; r < rows; r++)
                bias.CopyTo(output.Slice(r * bias.Length, bias.Length));
        }

        /// <summary>Column sums: <paramref name="sums"/>[j] = Σ_r m[r, j].</summary>
        public static void SumRows(ReadOnlySpan<float> m, Span<float> sums, int rows)
        {
            int width = sums.Length;
            sums.Clear();
            for (int r = 0; r < rows; r++)
                TensorPrimitives.Add(sums, m.Slice(r * width, width), sums);
        }

        /// <summary>Training-mode batch norm with Keras' running-statistics update (biased variance).</summary>
        public static void BatchNormForward(ReadOnlySpan<float> z, Span<float> xhat, Span<float> output, int rows,
            ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> mean, Span<float> invStd,
            Span<float> runningMean, Span<float> runningVariance, Span<float> scratch)
        {
            int width = gamma.Length;
            SumRows(z, mean, rows);
            TensorPrimitives.Multiply(mean, 1f / rows, mean);
            var variance = scratch.Slice(0, width);
            variance.Clear();
            for (int r = 0; r < rows; r++)
            {
                var centered = xhat.Slice(r * width, width);
                TensorPrimitives.Subtract(z.Slice(r * width, width), mean, centered);
                TensorPrimitives.MultiplyAdd(centered, centered, variance, variance);
            }
            TensorPrimitives.Multiply(variance, 1f / rows, variance);
            for (int j = 0; j < width; j++)
                invStd[j] = 1f / MathF.Sqrt(variance[j] + NetworkArchitecture.BatchNormEpsilon);
            for (int r = 0; r < rows; r++)
            {
                var row = xhat.Slice(r * width, width);
                TensorPrimitives.Multiply(row, invStd, row);
                TensorPrimitives.MultiplyAdd(row, gamma, beta, output.Slice(r * width, width));
            }
            float rate = NetworkArchitecture.BatchNormUpdateRate;
            for (int j = 0; j < width; j++)
            {
                runningMean[j] = runningMean[j] * (1 - rate) + mean[j] * rate;
                runningVariance[j] = runningVariance[j] * (1 - rate) + variance[j] * rate;
            }
        }

        /// <summary>Batch-norm backward: γ and β gradients, and dz written over <paramref name="grad"/> (dy in, dz out).</summary>
        public static void BatchNormBackward(Span<float> grad, ReadOnlySpan<float> xhat, int rows, ReadOnlySpan<float> gamma,
            ReadOnlySpan<float> invStd, Span<float> gammaGrad, Span<float> betaGrad)
        {
            int width = gamma.Length;
            SumRows(grad, betaGrad, rows);
            gammaGrad.Clear();
            for (int r = 0; r < rows; r++)
                TensorPrimitives.MultiplyAdd(grad.Slice(r * width, width), xhat.Slice(r * width, width), gammaGrad, gammaGrad);
            // dz = γ·invstd/n · (n·dy − Σdy − x̂·Σ(dy·x̂))
            for (int r = 0; r < rows; r++)
            {
                var g = grad.Slice(r * width, width);
                var x = xhat.Slice(r * width, width);
                for (int j = 0; j < width; j++)
                    g[j] = gamma[j] * invStd[j] / rows * (rows * g[j] - betaGrad[j] - x[j] * gammaGrad[j]);
            }
        }

        /// <summary>Multiplies <paramref name="grad"/> (dy) by the activation's derivative at input u / output y.</summary>
        public static void ActivationBackward(MlpActivation activation, Span<float> grad, ReadOnlySpan<float> u, ReadOnlySpan<float> y)
        {
            switch (activation)
            {
                case MlpActivation.Relu:
                    for (int i = 0; i < grad.Length; i++)
                        if (!(u[i] > 0)) grad[i] = 0;
                    break;
                case MlpActivation.LeakyRelu:
                    for (int i = 0; i < grad.Length; i++)
                        if (!(u[i] > 0)) grad[i] *= Activations.LeakyReluSlope;
                    break;
                case MlpActivation.Elu:
                    for (int i = 0; i < grad.Length; i++)
                        if (!(u[i] > 0)) grad[i] *= y[i] + 1f;
                    break;
                case MlpActivation.Selu:
                    for (int i = 0; i < grad.Length; i++)
                        grad[i] *= u[i] > 0 ? Activations.SeluScale : y[i] + Activations.SeluScale * Activations.SeluAlpha;
                    break;
                case MlpActivation.Gelu:
                    for (int i = 0; i < grad.Length; i++)
                    {
                        double x = u[i];
                        grad[i] *= (float)(0.5 * (1 + Activations.Erf(x / Math.Sqrt(2))) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI));
                    }
                    break;
                case MlpActivation.Tanh:
                    for (int i = 0; i < grad.Length; i++)
                        grad[i] *= 1 - y[i] * y[i];
                    break;
                case MlpActivation.Sigmoid:
                    for (int i = 0; i < grad.Length; i++)
                        grad[i] *= y[i] * (1 - y[i]);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
            }
        }

        /// <summary>
        /// Softmax cross-entropy of one member's logits: returns Σ weight·loss and the number of correct argmaxes, and
        /// writes d(mean weighted loss)/d logits over <paramref name="logits"/>.
        /// </summary>
        public static (double Loss, int Correct) SoftmaxCrossEntropy(Span<float> logits, int rows, int classes,
            ReadOnlySpan<int> batchRows, int[] labels, float[] rowWeights)
        {
            double loss = 0;
            int correct = 0;
            for (int r = 0; r < rows; r++)
            {
                var row = logits.Slice(r * classes, classes);
                int label = labels[batchRows[r]];
                float weight = rowWeights?[batchRows[r]] ?? 1f;
                int best = TensorPrimitives.IndexOfMax(row);
                if (best == label)
                    correct++;
                float max = row[best];
                double sum = 0;
                for (int c = 0; c < classes; c++)
                    sum += Math.Exp(row[c] - max);
                double logSum = max + Math.Log(sum);
                loss += weight * (logSum - row[label]);
                float scale = weight / rows;
                for (int c = 0; c < classes; c++)
                    row[c] = (float)(Math.Exp(row[c] - logSum) * scale);
                row[label] -= scale;
            }
            return (loss, correct);
        }
    }
}
