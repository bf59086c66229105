using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>The one transpose of the engine: saved kernels are [out, in] (what scoring reads fastest), training and
    /// batched scoring want [in, out].</summary>
    internal static class Transpose
    {
        /// <summary>Side of the square tiles copied one at a time: a tile's source rows and destination rows stay in cache, so a
        /// wide matrix (a text model's first layer: millions of inputs) is not written one cache line per value.</summary>
        private const int Tile = 32;

        /// <summary><paramref name="destination"/>[c · <paramref name="destinationStride"/> + r] = <paramref name="source"/>[r · columns + c]
        /// for a row-major [rows, columns] source; a stride wider than rows leaves padding columns untouched.</summary>
        public static void Copy(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination, int destinationStride) =>
            Copy(source, rows, columns, columns, destination, destinationStride);

        /// <summary><see cref="Copy(ReadOnlySpan{float}, int, int, Span{float}, int)"/> of a source whose rows are
        /// <paramref name="sourceStride"/> values apart (its padding columns are not read).</summary>
        public static void Copy(ReadOnlySpan<float> source, int rows, int columns, int sourceStride, Span<float> destination, int destinationStride)
        {
            if (rows == 0 || columns == 0)
                return;
            if (sourceStride < columns || source.Length < (long)(rows - 1) * sourceStride + columns || destinationStride < rows
                || destination.Length < (long)(columns - 1) * destinationStride + rows)
                throw new ArgumentException("Buffers are shorter than the matrix.");
            for (int r0 = 0; r0 < rows; r0 += Tile)
            {
                int r1 = Math.Min(rows, r0 + Tile);
                for (int c0 = 0; c0 < columns; c0 += Tile)
                {
                    int c1 = Math.Min(columns, c0 + Tile);
                    for (int r = r0; r < r1; r++)
                    {
                        var row = source.Slice(r * sourceStride, columns);
                        for (int c = c0; c < c1; c++)
                            destination[c * destinationStride + r] = row[c];
                    }
                }
            }
        }
    }
}
