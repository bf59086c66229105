using System;
using System.Threading;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>Everything the engine needs to run an optimisation, free of ML.NET types.</summary>
    internal sealed class TrainingSettings
    {
        public MlpWeightInitialization WeightInitialization { get; init; } = MlpWeightInitialization.HeNormal;
        public MlpOptimizer Optimizer { get; init; } = MlpOptimizer.Adam;
        public double LearningRate { get; init; } = 0.001;
        public double WeightDecay { get; init; }
        public double Momentum { get; init; }
        public bool Nesterov { get; init; }
        public int BatchSize { get; init; } = 32;
        public int Epochs { get; init; } = 10;
        public bool Shuffle { get; init; } = true;

        /// <summary>One seed per member; the member count of the run.</summary>
        public int[] Seeds { get; init; } = { 0 };

        /// <summary>torch intra-op threads (process-wide setting).</summary>
        public int Threads { get; init; } = 1;

        public CancellationToken CancellationToken { get; init; }

        /// <summary>Called between mini-batches; throws to abort (ML.NET's host cancellation).</summary>
        public Action CheckAlive { get; init; }

        /// <summary>Called after every epoch with the member index and its metrics.</summary>
        public Action<int, MlpEpochMetrics> OnEpoch { get; init; }
    }
}
