using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>The one transpose of the engine: saved kernels are [out, in] (what scoring reads fastest), training and
    /// batched scoring want [in, out].</summary>
    internal static class Transpose
    {
        /// <summary><paramref name="destination"/>[c · <paramref name="destinationStride"/> + r] = <paramref name="source"/>[r · columns + c]
        /// for a row-major [rows, columns] source; a stride wider than rows leaves padding columns untouched.</summary>
        public static void Copy(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination, int destinationStride)
        {
            if (source.Length < (long)rows * columns || destinationStride < rows || destination.Length < (long)(columns - 1) * destinationStride + rows)
                throw new ArgumentException("Buffers are shorter than the matrix.");
            for (int r = 0; r < rows; r++)
            {
                var row = source.Slice(r * columns, columns);
                for (int c = 0; c < columns; c++)
                    destination[c * destinationStride + r] = row[c];
            }
        }
    }
}
