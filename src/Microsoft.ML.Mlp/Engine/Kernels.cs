using System;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Numerics.Tensors;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The element-wise halves of the fast path's forward and backward passes, on row-major [rows, width] spans of
    /// one member. Each is a few SIMD passes; the matrix products are MKL's (Blas, MatrixViews).
    /// </summary>
    internal static class Kernels
    {
        /// <summary>Broadcasts <paramref name="bias"/> into every row of <paramref name="output"/> (the product then adds x·W).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public static void FillRows(Span<float> output, ReadOnlySpan<float> bias, int rows)
        {
            for (int r = 0; r < rows; r++)
                bias.CopyTo(output.Slice(r * bias.Length, bias.Length));
        }

        /// <summary>output += scale · row, one Vector&lt;float&gt; at a time then a scalar tail: the one multiply-add of the
        /// sparse first layer and of row-at-a-time scoring (a fixed order: the same bits on every call).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void AddScaled(ReadOnlySpan<float> row, float scale, Span<float> output)
        {
            var vo = MemoryMarshal.Cast<float, Vector<float>>(output);
            var vr = MemoryMarshal.Cast<float, Vector<float>>(row);
            var vs = new Vector<float>(scale);
            for (int k = 0; k < vo.Length; k++)
                vo[k] += vr[k] * vs;
            for (int j = vo.Length * Vector<float>.Count; j < output.Length; j++)
                output[j] += row[j] * scale;
        }

        /// <summary>
        /// a · b in a fixed order: four Vector&lt;float&gt; accumulators over blocks of four vectors, the leftover vectors into the
        /// first, the four summed pairwise, then the scalar tail. Row-at-a-time scoring's dot product. Our own rather than
        /// TensorPrimitives.Dot because that one's generic code runs unoptimised (tier 0) for the first thousands of rows of
        /// a process and its order is whatever the app's System.Numerics.Tensors version does; this one is inlined into
        /// optimised callers from the first row, and its bits depend only on the vector width (512 bits where the CPU has them, else Vector&lt;float&gt;'s).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            if (Vector512.IsHardwareAccelerated)
                return Dot512(a, b);
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b.Slice(0, a.Length));
            Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int k = 0;
            for (; k + 4 <= va.Length; k += 4)
            {
                s0 += va[k] * vb[k];
                s1 += va[k + 1] * vb[k + 1];
                s2 += va[k + 2] * vb[k + 2];
                s3 += va[k + 3] * vb[k + 3];
            }
            for (; k < va.Length; k++)
                s0 += va[k] * vb[k];
            float sum = Vector.Sum((s0 + s1) + (s2 + s3));
            for (int j = va.Length * Vector<float>.Count; j < a.Length; j++)
                sum += a[j] * b[j];
            return sum;
        }

        /// <summary><see cref="Dot"/> with 512-bit vectors, where the CPU has them (same order, sixteen lanes).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Dot512(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            var va = MemoryMarshal.Cast<float, Vector512<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector512<float>>(b.Slice(0, a.Length));
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int k = 0;
            for (; k + 4 <= va.Length; k += 4)
            {
                s0 += va[k] * vb[k];
                s1 += va[k + 1] * vb[k + 1];
                s2 += va[k + 2] * vb[k + 2];
                s3 += va[k + 3] * vb[k + 3];
            }
            for (; k < va.Length; k++)
                s0 += va[k] * vb[k];
            float sum = Vector512.Sum((s0 + s1) + (s2 + s3));
            for (int j = va.Length * Vector512<float>.Count; j < a.Length; j++)
                sum += a[j] * b[j];
            return sum;
        }

        /// <summary>
        /// <see cref="Dot"/> of two rows with one x: each result has exactly <see cref="Dot"/>'s order and bits; the pair shares
        /// x's loads and overlaps the two reductions (one output's dependency chains alone leave the core idle: PredictionEngine-style
        /// scoring of the seed model 4.8 → 4.2 µs a row).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void DotPair(ReadOnlySpan<float> a0, ReadOnlySpan<float> a1, ReadOnlySpan<float> b, out float d0, out float d1)
        {
            if (!Vector512.IsHardwareAccelerated)
            {
                d0 = Dot(a0, b);
                d1 = Dot(a1, b);
                return;
            }
            int length = a0.Length;
            ref float r0 = ref MemoryMarshal.GetReference(a0);
            ref float r1 = ref MemoryMarshal.GetReference(a1.Slice(0, length));
            ref float rb = ref MemoryMarshal.GetReference(b.Slice(0, length));
            int lanes = Vector512<float>.Count, vectors = length / lanes;
            Vector512<float> p0 = default, p1 = default, p2 = default, p3 = default, q0 = default, q1 = default, q2 = default, q3 = default;
            int k = 0;
            for (; k + 4 <= vectors; k += 4)
            {
                nuint i = (nuint)(k * lanes);
                var x0 = Vector512.LoadUnsafe(ref rb, i);
                var x1 = Vector512.LoadUnsafe(ref rb, i + (nuint)lanes);
                var x2 = Vector512.LoadUnsafe(ref rb, i + (nuint)(2 * lanes));
                var x3 = Vector512.LoadUnsafe(ref rb, i + (nuint)(3 * lanes));
                p0 += Vector512.LoadUnsafe(ref r0, i) * x0;
                q0 += Vector512.LoadUnsafe(ref r1, i) * x0;
                p1 += Vector512.LoadUnsafe(ref r0, i + (nuint)lanes) * x1;
                q1 += Vector512.LoadUnsafe(ref r1, i + (nuint)lanes) * x1;
                p2 += Vector512.LoadUnsafe(ref r0, i + (nuint)(2 * lanes)) * x2;
                q2 += Vector512.LoadUnsafe(ref r1, i + (nuint)(2 * lanes)) * x2;
                p3 += Vector512.LoadUnsafe(ref r0, i + (nuint)(3 * lanes)) * x3;
                q3 += Vector512.LoadUnsafe(ref r1, i + (nuint)(3 * lanes)) * x3;
            }
            for (; k < vectors; k++)
            {
                nuint i = (nuint)(k * lanes);
                var x = Vector512.LoadUnsafe(ref rb, i);
                p0 += Vector512.LoadUnsafe(ref r0, i) * x;
                q0 += Vector512.LoadUnsafe(ref r1, i) * x;
            }
            float s0 = Vector512.Sum((p0 + p1) + (p2 + p3)), s1 = Vector512.Sum((q0 + q1) + (q2 + q3));
            for (int j = vectors * lanes; j < length; j++)
            {
                s0 += a0[j] * b[j];
                s1 += a1[j] * b[j];
            }
            d0 = s0;
            d1 = s1;
        }

        /// <summary>Vectors of output a <see cref="AccumulateRows"/> tile keeps in registers; weight matrices need
        /// <see cref="AccumulateSlack"/> floats after their last row.</summary>
        private const int TileVectors = 8;

        /// <summary>Floats a weight matrix given to <see cref="AccumulateRows"/> must have after its last row: a last, partial tile
        /// of output vectors reads into them (what it computes there is dropped).</summary>
        public static int AccumulateSlack => TileVectors * Vector<float>.Count;

        /// <summary>
        /// output = bias + Σ x_i · W[i, :] over the non-zero inputs (NaN counts as non-zero), in input order: the non-zeros are
        /// gathered into <paramref name="rows"/> and <paramref name="scales"/> without a branch, then <see cref="AccumulateRows"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every scored row: optimised from the first
        public static void AccumulateNonZeros(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output,
            Span<int> rows, Span<float> scales)
        {
            int count = 0;
            for (int i = 0; i < x.Length; i++)
            {
                rows[count] = i;
                scales[count] = x[i];
                count += x[i] != 0 ? 1 : 0;
            }
            AccumulateRows(rows.Slice(0, count), scales.Slice(0, count), weights, bias, output);
        }

        /// <summary>
        /// output = bias + Σ_k scales[k] · W[rows[k], :] (W row-major with output.Length columns, a multiple of
        /// Vector&lt;float&gt;.Count, and <see cref="AccumulateSlack"/> floats after its last row): every lane sums in k order,
        /// the bits of copying the bias and then <see cref="AddScaled"/> row after row, but with a tile of output vectors held in
        /// registers across all rows. Row-at-a-time scoring's product for sparse rows, mostly-zero dense rows and hidden layers,
        /// so a mostly-zero row scores to the same bits whether it comes dense or sparse.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every scored row: optimised from the first
        public static void AccumulateRows(ReadOnlySpan<int> rows, ReadOnlySpan<float> scales, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
            Span<float> output)
        {
            int lanes = Vector<float>.Count, width = output.Length, vectors = width / lanes;
            // Row r exists when it and the slack after the last row fit; then its widest read, a whole last tile (at most
            // width + 7 vectors), fits too.
            foreach (int row in rows)
                if (row < 0 || (long)(row + 1) * width + AccumulateSlack > weights.Length)
                    throw new ArgumentOutOfRangeException(nameof(rows), row, "A row beyond the weights (or weights without their slack).");
            if (bias.Length < width)
                throw new ArgumentException("The bias is shorter than the output.", nameof(bias));
            ref float w = ref MemoryMarshal.GetReference(weights);
            ref float b = ref MemoryMarshal.GetReference(bias);
            for (int v = 0; v < vectors; v += TileVectors)
            {
                int column = v * lanes;
                // A partial last tile's spare accumulators start at 0, read the slack or the next row, and are dropped.
                var a0 = Vector.LoadUnsafe(ref b, (nuint)column);
                var a1 = Bias(ref b, v + 1, vectors, lanes);
                var a2 = Bias(ref b, v + 2, vectors, lanes);
                var a3 = Bias(ref b, v + 3, vectors, lanes);
                var a4 = Bias(ref b, v + 4, vectors, lanes);
                var a5 = Bias(ref b, v + 5, vectors, lanes);
                var a6 = Bias(ref b, v + 6, vectors, lanes);
                var a7 = Bias(ref b, v + 7, vectors, lanes);
                for (int k = 0; k < rows.Length; k++)
                {
                    var scale = new Vector<float>(scales[k]);
                    ref float row = ref Unsafe.Add(ref w, (nint)rows[k] * width + column);
                    a0 += Vector.LoadUnsafe(ref row) * scale;
                    a1 += Vector.LoadUnsafe(ref row, (nuint)lanes) * scale;
                    a2 += Vector.LoadUnsafe(ref row, (nuint)(2 * lanes)) * scale;
                    a3 += Vector.LoadUnsafe(ref row, (nuint)(3 * lanes)) * scale;
                    a4 += Vector.LoadUnsafe(ref row, (nuint)(4 * lanes)) * scale;
                    a5 += Vector.LoadUnsafe(ref row, (nuint)(5 * lanes)) * scale;
                    a6 += Vector.LoadUnsafe(ref row, (nuint)(6 * lanes)) * scale;
                    a7 += Vector.LoadUnsafe(ref row, (nuint)(7 * lanes)) * scale;
                }
                Store(a0, output, v, vectors, lanes);
                Store(a1, output, v + 1, vectors, lanes);
                Store(a2, output, v + 2, vectors, lanes);
                Store(a3, output, v + 3, vectors, lanes);
                Store(a4, output, v + 4, vectors, lanes);
                Store(a5, output, v + 5, vectors, lanes);
                Store(a6, output, v + 6, vectors, lanes);
                Store(a7, output, v + 7, vectors, lanes);
            }
        }

        /// <summary>Output vector <paramref name="v"/>'s bias, or 0 past the last one.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector<float> Bias(ref float bias, int v, int vectors, int lanes) =>
            v < vectors ? Vector.LoadUnsafe(ref bias, (nuint)(v * lanes)) : default;

        /// <summary>Stores output vector <paramref name="v"/>, unless it is past the last one.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store(Vector<float> value, Span<float> output, int v, int vectors, int lanes)
        {
            if (v < vectors)
                value.CopyTo(output.Slice(v * lanes));
        }

        /// <summary>Column sums: <paramref name="sums"/>[j] = Σ_r m[r, j].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public static void SumRows(ReadOnlySpan<float> m, Span<float> sums, int rows)
        {
            int width = sums.Length;
            sums.Clear();
            var vs = MemoryMarshal.Cast<float, Vector<float>>(sums);
            int tail = vs.Length * Vector<float>.Count;
            for (int r = 0; r < rows; r++)
            {
                var row = m.Slice(r * width, width);
                var vr = MemoryMarshal.Cast<float, Vector<float>>(row);
                for (int k = 0; k < vs.Length; k++)
                    vs[k] += vr[k];
                for (int j = tail; j < width; j++)
                    sums[j] += row[j];
            }
        }

        /// <summary>Training-mode batch norm with Keras' running-statistics update (biased variance).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
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
                AddSquares(centered, variance);
            }
            float rate = NetworkArchitecture.BatchNormUpdateRate;
            for (int j = 0; j < width; j++)
            {
                variance[j] /= rows;
                invStd[j] = 1f / MathF.Sqrt(variance[j] + NetworkArchitecture.BatchNormEpsilon);
                runningMean[j] = runningMean[j] * (1 - rate) + mean[j] * rate;
                runningVariance[j] = runningVariance[j] * (1 - rate) + variance[j] * rate;
            }
            for (int r = 0; r < rows; r++)
                NormalizeRow(xhat.Slice(r * width, width), invStd, gamma, beta, output.Slice(r * width, width));
        }

        /// <summary>Batch-norm backward: γ and β gradients, and dz written over <paramref name="grad"/> (dy in, dz out).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public static void BatchNormBackward(Span<float> grad, ReadOnlySpan<float> xhat, int rows, ReadOnlySpan<float> gamma,
            ReadOnlySpan<float> invStd, Span<float> gammaGrad, Span<float> betaGrad, Span<float> scratch)
        {
            int width = gamma.Length;
            betaGrad.Clear();
            gammaGrad.Clear();
            for (int r = 0; r < rows; r++)
                AddRowAndProduct(grad.Slice(r * width, width), xhat.Slice(r * width, width), betaGrad, gammaGrad);
            // dz = γ·invstd/n · (n·dy − Σdy − x̂·Σ(dy·x̂)) = a·(dy − (Σdy + x̂·Σ(dy·x̂))/n) per column
            var a = scratch.Slice(0, width);
            TensorPrimitives.Multiply(gamma, invStd, a);
            TensorPrimitives.Multiply(betaGrad, 1f / rows, betaGrad);
            TensorPrimitives.Multiply(gammaGrad, 1f / rows, gammaGrad);
            for (int r = 0; r < rows; r++)
                BatchNormGradRow(grad.Slice(r * width, width), xhat.Slice(r * width, width), a, betaGrad, gammaGrad);
            TensorPrimitives.Multiply(betaGrad, rows, betaGrad);
            TensorPrimitives.Multiply(gammaGrad, rows, gammaGrad);
        }

        // Row kernels: Vector<float> over the row, scalar tail. One call per row instead of several library calls.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        private static void AddSquares(ReadOnlySpan<float> row, Span<float> sums)
        {
            var r = MemoryMarshal.Cast<float, Vector<float>>(row);
            var s = MemoryMarshal.Cast<float, Vector<float>>(sums);
            for (int k = 0; k < r.Length; k++)
                s[k] += r[k] * r[k];
            for (int j = r.Length * Vector<float>.Count; j < row.Length; j++)
                sums[j] += row[j] * row[j];
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering

        private static void NormalizeRow(Span<float> x, ReadOnlySpan<float> invStd, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y)
        {
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            var vi = MemoryMarshal.Cast<float, Vector<float>>(invStd);
            var vg = MemoryMarshal.Cast<float, Vector<float>>(gamma);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(beta);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int k = 0; k < vx.Length; k++)
            {
                var n = vx[k] * vi[k];
                vx[k] = n;
                vy[k] = n * vg[k] + vb[k];
            }
            for (int j = vx.Length * Vector<float>.Count; j < x.Length; j++)
            {
                float n = x[j] * invStd[j];
                x[j] = n;
                y[j] = n * gamma[j] + beta[j];
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering

        private static void AddRowAndProduct(ReadOnlySpan<float> g, ReadOnlySpan<float> x, Span<float> sum, Span<float> productSum)
        {
            var vg = MemoryMarshal.Cast<float, Vector<float>>(g);
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            var vs = MemoryMarshal.Cast<float, Vector<float>>(sum);
            var vp = MemoryMarshal.Cast<float, Vector<float>>(productSum);
            for (int k = 0; k < vg.Length; k++)
            {
                vs[k] += vg[k];
                vp[k] += vg[k] * vx[k];
            }
            for (int j = vg.Length * Vector<float>.Count; j < g.Length; j++)
            {
                sum[j] += g[j];
                productSum[j] += g[j] * x[j];
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering

        private static void BatchNormGradRow(Span<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> a, ReadOnlySpan<float> meanGrad, ReadOnlySpan<float> meanProduct)
        {
            var vg = MemoryMarshal.Cast<float, Vector<float>>(g);
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vm = MemoryMarshal.Cast<float, Vector<float>>(meanGrad);
            var vp = MemoryMarshal.Cast<float, Vector<float>>(meanProduct);
            for (int k = 0; k < vg.Length; k++)
                vg[k] = va[k] * (vg[k] - (vm[k] + vx[k] * vp[k]));
            for (int j = vg.Length * Vector<float>.Count; j < g.Length; j++)
                g[j] = a[j] * (g[j] - (meanGrad[j] + x[j] * meanProduct[j]));
        }

        /// <summary>
        /// Softmax cross-entropy of one member's logits: returns Σ weight·loss and the number of correct argmaxes, and
        /// writes d(mean weighted loss)/d logits over <paramref name="logits"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot numeric loop: straight to optimised code, no tiering
        public static (double Loss, int Correct) SoftmaxCrossEntropy(Span<float> logits, int rows, int classes,
            ReadOnlySpan<int> batchRows, float[] labels, float[] rowWeights, float labelSmoothing = 0)
        {
            double loss = 0;
            int correct = 0;
            float spread = labelSmoothing / classes;
            for (int r = 0; r < rows; r++)
            {
                var row = logits.Slice(r * classes, classes);
                int label = (int)labels[batchRows[r]];
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
                if (labelSmoothing > 0)
                    loss += weight * labelSmoothing * (row[label] - TensorPrimitives.Sum(row) / classes); // − Σ target·log p, target smoothed
                float scale = weight / rows;
                for (int c = 0; c < classes; c++)
                    row[c] = (float)(Math.Exp(row[c] - logSum) * scale);
                if (labelSmoothing > 0)
                {
                    // d/dz of −Σ target·log softmax(z) is p − target, target = (1 − ε)·one-hot + ε / classes.
                    for (int c = 0; c < classes; c++)
                        row[c] -= spread * scale;
                    row[label] -= (1 - labelSmoothing) * scale;
                }
                else
                    row[label] -= scale;
            }
            return (loss, correct);
        }
    
        /// <summary>
        /// Regression loss of one member's batch, in place: <paramref name="outputs"/> (one value per row) becomes
        /// d(mean over the batch of weight × loss)/d(output); returns Σ weight × loss. The same reduction as the reference
        /// path's torch mse/huber/l1 with reduction 'none', times the weight, averaged over the batch.
        /// </summary>
        public static double RegressionLoss(Span<float> outputs, int rows, ReadOnlySpan<int> batchRows, float[] targets, float[] rowWeights,
            MlpRegressionLoss kind, float delta)
        {
            double loss = 0;
            for (int r = 0; r < rows; r++)
            {
                float weight = rowWeights?[batchRows[r]] ?? 1f;
                float diff = outputs[r] - targets[batchRows[r]];
                float abs = Math.Abs(diff);
                float scale = weight / rows;
                switch (kind)
                {
                    case MlpRegressionLoss.Squared:
                        loss += weight * ((double)diff * diff);
                        outputs[r] = 2 * diff * scale;
                        break;
                    case MlpRegressionLoss.Huber:
                        loss += weight * (abs <= delta ? 0.5 * diff * diff : delta * (abs - 0.5 * delta));
                        outputs[r] = (abs <= delta ? diff : delta * Math.Sign(diff)) * scale;
                        break;
                    default:
                        loss += weight * (double)abs;
                        outputs[r] = Math.Sign(diff) * scale;
                        break;
                }
            }
            return loss;
        }
    }
}
