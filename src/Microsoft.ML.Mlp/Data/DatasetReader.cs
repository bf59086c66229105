using System;
using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>
    /// Reads a role-mapped IDataView once into training memory, dense (<see cref="DenseRowStore"/>: row-major floats)
    /// or sparse (<see cref="SparseRowStore"/>: the non-zeros), skipping and counting bad rows as ML.NET's trainers do
    /// (<see cref="TrainingRowCursor"/>). Dense and sparse vectors are accepted either way.
    /// </summary>
    internal static class DatasetReader
    {
        /// <summary>Rows looked at to measure density when the storage is chosen automatically.</summary>
        public const int DensityProbeRows = 1000;

        /// <summary>Below this fraction of non-zeros, <see cref="MlpFeatureStorage.Auto"/> keeps the rows sparse: sparse steps
        /// then cost less than the dense product and the memory is at most 1/5 of a dense copy.</summary>
        public const double SparseDensity = 0.1;

        /// <summary>
        /// Fraction of non-zero feature values in the first <see cref="DensityProbeRows"/> rows. Read through one cursor, on
        /// this thread: a plain cursor over a transformed view is ML.NET's consolidating one, which starts max(2, cores − 1) threads, and in
        /// a process's first fit new threads wait for libtorch's background load to finish (a thread's first use of
        /// thread-local storage takes the dynamic loader's lock, which dlopen holds through libtorch's static constructors):
        /// measured, this probe took 160–190 ms of the first fit instead of 36 ms.
        /// </summary>
        public static double ProbeDensity(RoleMappedData data)
        {
            long nonZeros = 0, values = 0;
            int rows = 0;
            var column = data.Schema.Feature.Value;
            using (var cursor = OneCursor(data.Data, new[] { column }))
            {
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                VBuffer<float> features = default;
                while (rows < DensityProbeRows && cursor.MoveNext())
                {
                    getter(ref features);
                    foreach (float v in features.GetValues())
                        if (v != 0)
                            nonZeros++;
                    values += features.Length;
                    rows++;
                }
            }
            return values == 0 ? 1 : (double)nonZeros / values;
        }

        /// <summary>A cursor over <paramref name="view"/> on this thread alone: the one cursor of a set of one asked for, else
        /// (a view that returns several, which may be fed by a thread of their own and must be read together) the set
        /// disposed and a plain cursor.</summary>
        public static DataViewRowCursor OneCursor(IDataView view, DataViewSchema.Column[] columns) =>
            Only(view.GetRowCursorSet(columns, 1)) ?? view.GetRowCursor(columns);

        /// <summary>The one cursor of a set asked for one, or null (the set disposed) where the view returned several.</summary>
        public static T Only<T>(T[] set) where T : class, IDisposable
        {
            if (set.Length == 1)
                return set[0];
            foreach (var cursor in set)
                cursor.Dispose();
            return null;
        }

        /// <param name="data">The rows to be stored.</param>
        /// <param name="sparse">Keep only each row's non-zeros.</param>
        /// <param name="rowCount">Rows expected, or null.</param>
        /// <param name="trainer">Trainer name for messages.</param>
        /// <param name="density">The measured fraction of non-zeros (<see cref="ProbeDensity"/>), or null: sparse storage is
        /// sized for it up front rather than grown by doubling (at 32.6M non-zeros doubling left ~150 MB unused and a copy
        /// of the arrays beside them at the last growth).</param>
        public static IRowStore NewStore(RoleMappedData data, bool sparse, long? rowCount, string trainer, double? density = null)
        {
            int width = data.Schema.Feature.Value.Type.GetVectorSize();
            bool weighted = data.Schema.Weight.HasValue;
            return sparse ? new SparseRowStore(width, weighted, rowCount, trainer, density * width) : new DenseRowStore(width, weighted, rowCount, trainer);
        }

        /// <summary>Dense values up to which a read may go through one cursor on the fit's thread (<see cref="OnOneCursor"/>;
        /// tests set 0 to compare with ML.NET's consolidating cursor).</summary>
        internal static long OneCursorValues { get; set; } = 16_000_000;

        /// <summary>Tests: true reads small dense data through one cursor even when libtorch has finished loading.</summary>
        internal static bool OneCursorAfterTheLoad { get; set; }

        /// <summary>
        /// Whether the rows are read through one cursor on the fit's thread rather than ML.NET's consolidating cursor, which
        /// starts max(2, cores − 1) threads to run the upstream transforms: while libtorch's background load is still running
        /// (a process's first fit), for small dense data (at most <see cref="OneCursorValues"/> values). Why: new threads
        /// wait for the load to end (see <see cref="ProbeDensity"/>), which for small dense data costs more than their head
        /// start (measured: the read of 10,000 rows then ended 60–90 ms after the load, against before it on one cursor). Big
        /// or sparse data (text) keeps ML.NET's threads, as do fits after the load: their upstream transforms may cost more
        /// than the load (an image featurizer). The rows, their order and the skip counts are the same either way (tested);
        /// only an upstream transform's exception differs, unwrapped here, wrapped by ML.NET's consolidator otherwise.
        /// </summary>
        public static bool OnOneCursor(DataProfile profile) => !profile.Sparse && (double)profile.Rows * profile.Features <= OneCursorValues
            && (OneCursorAfterTheLoad || EngineWarmUp.Loading);

        private static long s_oneCursorReads;

        /// <summary>Reads that went through one cursor so far in this process (tests check that the path really runs).</summary>
        internal static long OneCursorReads => System.Threading.Interlocked.Read(ref s_oneCursorReads);

        /// <summary>Counts a read through one cursor.</summary>
        internal static void CountOneCursorRead() => System.Threading.Interlocked.Increment(ref s_oneCursorReads);

        /// <summary>Every usable row of <paramref name="data"/>, its label read as <paramref name="task"/> reads it.</summary>
        /// <param name="data">The rows, role-mapped.</param>
        /// <param name="task">How the label is read.</param>
        /// <param name="outputWidth">The network's output width (the class count for classification).</param>
        /// <param name="channel">Where the read and any skipped rows are logged.</param>
        /// <param name="trainer">Trainer name for messages.</param>
        /// <param name="sparse">Keep only each row's non-zeros.</param>
        /// <param name="density">The measured fraction of non-zeros, or null (<see cref="NewStore"/>).</param>
        /// <param name="oneCursor">Read through one cursor on this thread (<see cref="OnOneCursor"/>).</param>
        public static TrainingData Read(RoleMappedData data, MlpTask task, int outputWidth, IChannel channel, string trainer, bool sparse,
            double? density = null, bool oneCursor = false)
        {
            var clock = Stopwatch.StartNew();
            var store = NewStore(data, sparse, data.Data.GetRowCount(), trainer, density);
            using (var cursor = new TrainingRowCursor(data, task, outputWidth, oneCursor))
            {
                while (cursor.MoveNextInto(store))
                {
                }
                cursor.Report(store.RowCount, channel, trainer);
            }
            var dataset = store.ToTrainingData();
            double seconds = clock.Elapsed.TotalSeconds, bytes = Bytes(dataset);
            channel.Info("{0}: read {1} rows × {2} features{3} into {4:F1} MB in {5:F3} s ({6:F2} GB/s).", trainer, dataset.RowCount, dataset.FeatureCount,
                dataset.Sparse == null ? "" : $" as {dataset.Sparse.NonZeroCount:N0} non-zeros ({(double)dataset.Sparse.NonZeroCount / Math.Max(1L, (long)dataset.RowCount * dataset.FeatureCount):P2})",
                bytes / 1e6, seconds, bytes / Math.Max(seconds, 1e-9) / 1e9);
            return dataset;
        }

        /// <summary>Bytes of training memory a dataset holds.</summary>
        public static double Bytes(TrainingData data) => data.Sparse != null
            ? data.Sparse.NonZeroCount * 8.0 + data.RowCount * (data.Weights != null ? 12.0 : 8.0)
            : data.RowCount * (data.FeatureCount + (data.Weights != null ? 2.0 : 1.0)) * 4;
    }
}
