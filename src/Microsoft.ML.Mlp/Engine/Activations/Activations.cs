using System;
using System.Runtime.CompilerServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>The output softmax of managed scoring. Hidden-layer activations are not here: each is one
    /// <see cref="ActivationFunction"/> subclass in this folder.</summary>
    internal static class Activations
    {
        /// <summary>Classes up to which the exponentials stay on the stack.</summary>
        private const int StackClasses = 256;

        /// <summary>
        /// Softmax in place, max-shifted (no overflow whatever the logits), every exponential and the sum in double precision,
        /// each probability rounded once to float: correctly rounded in all but vanishingly rare ties, so the same on every CPU.
        /// Our own, not TensorPrimitives.SoftMax: that one's generic exponential runs unoptimised code for the first thousands
        /// of rows of a process (it was half the first pass's time). A NaN logit gives NaN probabilities.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every row: optimised from the first, not after tiering
        public static void SoftMax(Span<float> x)
        {
            if (x.IsEmpty)
                return;
            float max = x[0];
            foreach (float v in x)
                if (v > max || float.IsNaN(v))
                    max = v;
            Span<double> exponentials = x.Length <= StackClasses ? stackalloc double[x.Length] : new double[x.Length];
            double sum = 0;
            for (int i = 0; i < x.Length; i++)
                sum += exponentials[i] = Math.Exp((double)x[i] - max);
            for (int i = 0; i < x.Length; i++)
                x[i] = (float)(exponentials[i] / sum);
        }
    }
}
