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

        /// <summary>Every member reads the same batches (member 0's shuffle) instead of its own, but in the last fifth of the
        /// epochs (each its own: <see cref="TrainingLoop.OwnOrderEpochs"/>); on the fast path with dense rows their first layers
        /// then run as one wide product.</summary>
        public bool SharedBatchOrder { get; init; }

        /// <summary>Every layer's forward product and kernel gradient in <see cref="BatchKernel"/> where the CPU has AVX-512
        /// (members sharing their batch order on dense rows with a hidden layer use it anyway).</summary>
        public bool ManagedProducts { get; init; }

        public MlpLearningRateSchedule Schedule { get; init; } = MlpLearningRateSchedule.Constant;
        public double LearningRateDecay { get; init; } = 0.1;
        public int LearningRateStepSize { get; init; } = 10;
        public double MinimumLearningRate { get; init; }
        public int ReduceOnPlateauPatience { get; init; } = 3;

        /// <summary>Clip each member's gradient to this L2 norm; null = no clipping.</summary>
        public double? GradientClipNorm { get; init; }

        public MlpClassWeighting ClassWeighting { get; init; }

        /// <summary>The task as the engine sees it: output width, loss and validation figures.</summary>
        public Objective Objective { get; init; }

        /// <summary>Early stopping patience in epochs; null = off.</summary>
        public int? EarlyStoppingPatience { get; init; }
        public MlpEarlyStoppingMetric EarlyStoppingMetric { get; init; }
        public double EarlyStoppingMinDelta { get; init; }

        /// <summary>Per-epoch validation data, or null.</summary>
        public IRowSource Validation { get; init; }

        /// <summary>Rows held out member by member (<see cref="TrainingData.Folds"/>) instead of <see cref="Validation"/>: member m
        /// trains on the rows <see cref="MemberRows"/>[m] of the one in-memory block and validates on <see cref="MemberValidation"/>[m];
        /// null for every member on every row.</summary>
        public int[][] MemberRows { get; init; }

        /// <summary>Each member's own validation rows when <see cref="MemberRows"/> is set, else null.</summary>
        public IRowSource[] MemberValidation { get; init; }

        /// <summary>Whether any member validates.</summary>
        public bool Validates => Validation != null || MemberValidation != null;

        /// <summary>The rows member <paramref name="member"/> validates on, or null.</summary>
        public IRowSource ValidationOf(int member) => MemberValidation?[member] ?? Validation;

        /// <summary>Warm start: one network per member to continue from, or null for fresh initialisation.</summary>
        public NetworkWeights[] InitialWeights { get; init; }

        /// <summary>Epochs already trained (warm start): history numbering continues after it.</summary>
        public int EpochOffset { get; init; }

        /// <summary>Builds the network the run trains; null = the fast path (<see cref="FastTrainingNetwork"/>). The only other
        /// network is the tests' autograd reference, so the package never names it (the trainers set it from their options).</summary>
        public TrainingNetworkFactory NetworkFactory { get; init; }

        /// <summary>One seed per member; the member count of the run.</summary>
        public int[] Seeds { get; init; } = { 0 };

        /// <summary>Threads for the run: libtorch intra-op threads for one network; for several members on the fast path,
        /// members run side by side on this many threads with libtorch at 1 thread each.</summary>
        public int Threads { get; init; } = 1;

        /// <summary>Threads that run members side by side (fast path, several members). A substituted network runs all
        /// members in one set of batched torch ops, so it gets libtorch's threads instead.</summary>
        public int MemberThreads => NetworkFactory == null && Seeds.Length > 1 ? Threads : 1;

        /// <summary>The network for this run: <see cref="NetworkFactory"/>'s, or the fast path's.</summary>
        public ITrainingNetwork CreateNetwork(NetworkWeights[] members, TrainingData data, float[] rowWeights, DropoutMasks masks) =>
            NetworkFactory != null
                ? NetworkFactory(members, this, data, rowWeights, masks)
                : new FastTrainingNetwork(members, this, data, rowWeights, masks);

        /// <summary>With sparse rows: update only the first-layer kernel rows a batch touches (LazyAdam); false = every parameter
        /// every step, exactly as the dense path does.</summary>
        public bool LazySparseUpdates { get; init; } = true;

        /// <summary>On a non-finite loss or weight: false = throw; true = stop and keep the last finite epoch's weights.</summary>
        public bool KeepLastFiniteWeights { get; init; }

        /// <summary>Receives warnings for the log (e.g. a divergence survived with <see cref="KeepLastFiniteWeights"/>).</summary>
        public Action<string> Warn { get; init; }

        public CancellationToken CancellationToken { get; init; }

        /// <summary>Called between mini-batches; throws to abort (ML.NET's host cancellation).</summary>
        public Action CheckAlive { get; init; }

        /// <summary>Called after every epoch with the member index and its metrics.</summary>
        public Action<int, MlpEpochMetrics> OnEpoch { get; init; }
    }
}
