using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>What one side (this library, or one PyTorch variant) measured; null = not measured.</summary>
    public sealed class Figures
    {
        public string Name { get; init; }
        public IReadOnlyList<double> EpochSeconds { get; init; } = new double[0];
        public double? Accuracy { get; init; }
        public double? ScoringRowsPerSecond { get; init; }
        public double? SingleRowP50Microseconds { get; init; }
        public double? SingleRowP99Microseconds { get; init; }

        /// <summary>Data into training memory. Ours: fit wall time minus the epochs (IDataView read + setup);
        /// PyTorch: IDX .gz → float tensor.</summary>
        public double? LoadSeconds { get; init; }

        /// <summary>IDataView → training memory as the trainer's reader logs it (no network set-up); ours only.</summary>
        public double? ReaderSeconds { get; init; }

        /// <summary>Peak resident memory of the process (VmHWM / ru_maxrss), MiB.</summary>
        public double? PeakMemoryMiB { get; init; }

        /// <summary>Rows/s of MlpMulticlassModelParameters.PredictBatch (bulk scoring outside a pipeline); ours only.</summary>
        public double? BatchApiRowsPerSecond { get; init; }

        /// <summary>5-member SoftVotingEnsemble seconds per epoch; ours only, once the ensemble exists.</summary>
        public double? EnsembleEpochSeconds { get; init; }

        /// <summary>That ensemble's test accuracy; ours only.</summary>
        public double? EnsembleAccuracy { get; init; }

        /// <summary>The same ensemble with SharedBatchOrder: seconds per epoch; ours only.</summary>
        public double? SharedOrderEnsembleEpochSeconds { get; init; }

        /// <summary>The shared-order ensemble's test accuracy; ours only.</summary>
        public double? SharedOrderEnsembleAccuracy { get; init; }

        /// <summary>Free-form detail shown under the table (BLAS library, versions).</summary>
        public string Detail { get; init; }

        public double? MeanEpochSeconds => EpochSeconds.Count == 0 ? null : EpochSeconds.Average();
    }
}
