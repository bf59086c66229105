using System;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>Training memory filled one row at a time: write a row, then keep it with <see cref="Commit"/> (a rejected
    /// row is simply not committed). <see cref="DenseRowStore"/> keeps every value, <see cref="SparseRowStore"/> the non-zeros.</summary>
    internal interface IRowStore
    {
        int RowCount { get; }

        /// <summary>Writes a dense row; false (nothing to keep) when a value is NaN or ±∞.</summary>
        bool TryWriteDense(ReadOnlySpan<float> values);

        /// <summary>Writes a sparse row (strictly increasing indices); false when a value is NaN or ±∞.</summary>
        bool TryWriteSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values);

        /// <summary>Keeps the row just written with its label (a class index or a value) and weight (ignored when unweighted).</summary>
        void Commit(float label, float weight);

        TrainingData ToTrainingData();
    }
}
