using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Rows as their non-zeros only (compressed sparse rows): row r holds <see cref="Indices"/> and <see cref="Values"/>
    /// in [<see cref="RowStarts"/>[r], RowStarts[r + 1]), indices ascending. Memory grows with the non-zeros, not with
    /// rows × width, which is what lets a 218,008-slot text vector train in megabytes.
    /// </summary>
    internal sealed class SparseRows
    {
        public SparseRows(int[] rowStarts, int[] indices, float[] values, int rowCount, int width)
        {
            if (rowStarts.Length < rowCount + 1 || indices.Length < rowStarts[rowCount] || values.Length < rowStarts[rowCount])
                throw new ArgumentException("Sparse buffers are shorter than the rows they describe.");
            RowStarts = rowStarts;
            Indices = indices;
            Values = values;
            RowCount = rowCount;
            Width = width;
        }

        public int[] RowStarts { get; }

        public int[] Indices { get; }

        public float[] Values { get; }

        public int RowCount { get; }

        public int Width { get; }

        public long NonZeroCount => RowStarts[RowCount];

        public ReadOnlySpan<int> RowIndices(int row) => Indices.AsSpan(RowStarts[row], RowStarts[row + 1] - RowStarts[row]);

        public ReadOnlySpan<float> RowValues(int row) => Values.AsSpan(RowStarts[row], RowStarts[row + 1] - RowStarts[row]);

        /// <summary>Writes row <paramref name="row"/> densely (zeros included) into <paramref name="destination"/>.</summary>
        public void CopyDense(int row, Span<float> destination)
        {
            destination.Slice(0, Width).Clear();
            var indices = RowIndices(row);
            var values = RowValues(row);
            for (int k = 0; k < indices.Length; k++)
                destination[indices[k]] = values[k];
        }

        /// <summary>The rows <paramref name="rows"/>, in that order.</summary>
        public SparseRows Subset(System.Collections.Generic.IReadOnlyList<int> rows)
        {
            var starts = new int[rows.Count + 1];
            for (int r = 0; r < rows.Count; r++)
                starts[r + 1] = checked(starts[r] + RowStarts[rows[r] + 1] - RowStarts[rows[r]]);
            var indices = new int[starts[rows.Count]];
            var values = new float[starts[rows.Count]];
            for (int r = 0; r < rows.Count; r++)
            {
                RowIndices(rows[r]).CopyTo(indices.AsSpan(starts[r]));
                RowValues(rows[r]).CopyTo(values.AsSpan(starts[r]));
            }
            return new SparseRows(starts, indices, values, rows.Count, Width);
        }
    }
}
