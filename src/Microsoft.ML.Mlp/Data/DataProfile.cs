using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>
    /// What a fit knows of its training data before reading it: rows, features, the measured density and whether the rows
    /// are held sparse. The data-aware defaults are chosen from it, and the in-memory/streaming decision reads it.
    /// </summary>
    /// <param name="Rows">Training rows (before any validation split).</param>
    /// <param name="Features">Length of the feature vector.</param>
    /// <param name="Density">Fraction of non-zero feature values in the first rows (1 when storage is forced dense).</param>
    /// <param name="Sparse">The rows are held as their non-zeros.</param>
    internal sealed record DataProfile(long Rows, int Features, double Density, bool Sparse)
    {
        /// <summary>Counts the rows (without reading features when the data view knows its count) and probes the density.</summary>
        public static DataProfile Measure(RoleMappedData data, MlpFeatureStorage storage)
        {
            double density = storage == MlpFeatureStorage.Dense ? 1 : DatasetReader.ProbeDensity(data);
            bool sparse = storage == MlpFeatureStorage.Sparse || (storage == MlpFeatureStorage.Auto && density < DatasetReader.SparseDensity);
            long rows = data.Data.GetRowCount() ?? CountRows(data);
            return new DataProfile(rows, data.Schema.Feature.Value.Type.GetVectorSize(), density, sparse);
        }

        /// <summary>The rows of a view that does not know its count, through <see cref="DatasetReader.OneCursor"/>: a plain
        /// cursor over a transformed view is ML.NET's consolidating one, whose threads wait for libtorch's load in a process's
        /// first fit (<see cref="DatasetReader.ProbeDensity"/>).</summary>
        private static long CountRows(RoleMappedData data)
        {
            long rows = 0;
            using var cursor = DatasetReader.OneCursor(data.Data, Array.Empty<DataViewSchema.Column>());
            while (cursor.MoveNext())
                rows++;
            return rows;
        }
    }
}
