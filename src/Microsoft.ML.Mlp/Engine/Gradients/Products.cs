using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The one matrix product of the gradient functions. Large products go to the engine's product
    /// (<see cref="MatrixViews.MultiplyAddOnce"/>: MKL's sgemm directly, or libtorch's addmm_); small ones — a single row's steps through
    /// a pipeline — stay in managed SIMD code, where libtorch's per-call cost (tensor handles, dispatch) would exceed the
    /// arithmetic, and zero inputs (ReLU's, forward and backward) are skipped. Both are deterministic; they agree to float rounding.
    /// </summary>
    internal static class Products
    {
        /// <summary>Multiply-adds below which the managed loop is faster than a libtorch call (measured: ~2× at 32 × 50 × 50).</summary>
        public const long ManagedBelow = 1 << 18;

        /// <summary>target[rows, columns] = beta · target + a[rows, inner] · b[inner, columns]. Beta is 0 or 1; with 0 the target's
        /// old values are ignored (NaN included).</summary>
        public static void MultiplyAdd(AlignedBuffer target, AlignedBuffer a, int rows, int inner, AlignedBuffer b, int columns, float beta)
        {
            if (rows == 0)
                return;
            if ((long)rows * inner * columns < ManagedBelow)
            {
                Managed(target.AsSpan(0, rows * columns), a.AsSpan(0, rows * inner), rows, inner, b.AsSpan(0, inner * columns), columns, beta);
                return;
            }
            MatrixViews.MultiplyAddOnce(new MatrixOperand(target, 0, rows, columns), new MatrixOperand(a, 0, rows, inner),
                new MatrixOperand(b, 0, inner, columns), beta);
        }

        /// <summary>output row += Σ_k input[k] · b[k, :], one SIMD multiply-add per non-zero input.</summary>
        private static void Managed(Span<float> target, ReadOnlySpan<float> a, int rows, int inner, ReadOnlySpan<float> b, int columns, float beta)
        {
            if (beta == 0)
                target.Clear();
            for (int r = 0; r < rows; r++)
            {
                var output = target.Slice(r * columns, columns);
                var input = a.Slice(r * inner, inner);
                for (int k = 0; k < inner; k++)
                    if (input[k] != 0)
                        Kernels.AddScaled(b.Slice(k * columns, columns), input[k], output);
            }
        }
    }
}
