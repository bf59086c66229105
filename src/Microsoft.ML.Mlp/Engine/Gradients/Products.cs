using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>The one matrix product of the gradient functions: libtorch's addmm_ over zero-copy views of aligned buffers,
    /// the views created and released within the call (nothing native outlives it).</summary>
    internal static class Products
    {
        /// <summary>
        /// target[rows, columns] = beta · target + a[rows, inner] · B, where B is <paramref name="b"/> as [inner, columns], or,
        /// with <paramref name="transposeB"/>, the transpose of <paramref name="b"/> stored as [columns, inner]. With beta 0
        /// the target's old values are ignored (NaN included).
        /// </summary>
        public static void MultiplyAdd(AlignedBuffer target, AlignedBuffer a, int rows, int inner, AlignedBuffer b, int columns, bool transposeB, float beta)
        {
            if (rows == 0)
                return;
            using var product = target.Matrix(0, rows, columns);
            using var left = a.Matrix(0, rows, inner);
            using var right = transposeB ? b.Matrix(0, columns, inner, transposed: true) : b.Matrix(0, inner, columns);
            product.addmm_(left, right, beta, 1);
        }
    }
}
