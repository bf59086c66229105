using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Trainers.Mlp.Tasks
{
    /// <summary>Reads a label column as one stratum per row (the classification tasks' <see cref="MlpTask.StratumReader"/>).</summary>
    internal static class Strata
    {
        /// <summary>A reader of <paramref name="column"/> as <typeparamref name="T"/>, mapped to a stratum by <paramref name="stratum"/>.</summary>
        public static Func<long> Reader<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, long> stratum)
        {
            var getter = cursor.GetGetter<T>(column);
            T value = default;
            return () =>
            {
                getter(ref value);
                return stratum(value);
            };
        }
    }
}
