using System;
using System.ComponentModel;
using System.Linq;
using System.Threading;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Trains a multilayer perceptron (TorchSharp) for multiclass classification:
    /// input → hidden blocks of Linear → BatchNorm → activation → Dropout → softmax.
    /// Create it with <see cref="MlpCatalog.Mlp(MulticlassClassificationCatalog.MulticlassClassificationTrainers, MlpTrainer.Options)"/>.
    /// The label must be a key (use MapValueToKey); features a known-size vector of Single.
    /// </summary>
    public sealed class MlpTrainer : MulticlassTrainerBase<MlpModelParameters>
    {
        internal const string LoadName = "MlpMulticlass";
        internal const string TrainerName = "Mlp";

        /// <summary>Options of <see cref="MlpTrainer"/>. Defaults reproduce the Keras reference recipe's blocks.</summary>
        public sealed class Options : TrainerInputBaseWithWeight
        {
            /// <summary>Width of each hidden layer. Default {50, 50, 50, 50}. Empty = multinomial logistic regression.</summary>
            public int[] HiddenLayerSizes = { 50, 50, 50, 50 };

            /// <summary>Hidden-layer activation. Default <see cref="MlpActivation.Relu"/>.</summary>
            public MlpActivation Activation = MlpActivation.Relu;

            /// <summary>Hidden-layer weight initialisation. Default <see cref="MlpWeightInitialization.HeNormal"/> (Keras' truncated he_normal).</summary>
            public MlpWeightInitialization WeightInitialization = MlpWeightInitialization.HeNormal;

            /// <summary>Batch normalization after each hidden Linear layer, Keras semantics (momentum 0.99, epsilon 1e-3). Default true.</summary>
            public bool UseBatchNormalization = true;

            /// <summary>Dropout rate after each hidden block, in [0, 1). Default 0.2.</summary>
            public float DropoutRate = 0.2f;

            /// <summary>Optimizer. Default <see cref="MlpOptimizer.Adam"/> (Keras epsilon 1e-7).</summary>
            public MlpOptimizer Optimizer = MlpOptimizer.Adam;

            /// <summary>Learning rate, &gt; 0. Default 0.001.</summary>
            public float LearningRate = 0.001f;

            /// <summary>Weight decay, ≥ 0: L2 penalty for Adam/SGD/RMSprop, decoupled decay for AdamW. Default 0.</summary>
            public float WeightDecay;

            /// <summary>Momentum for <see cref="MlpOptimizer.Sgd"/> and <see cref="MlpOptimizer.RmsProp"/>, in [0, 1). Default 0.</summary>
            public float Momentum;

            /// <summary>Nesterov momentum for <see cref="MlpOptimizer.Sgd"/> (needs Momentum &gt; 0). Default false.</summary>
            public bool Nesterov;

            /// <summary>Rows per mini-batch, ≥ 1. Default 32 (Keras' default).</summary>
            public int BatchSize = 32;

            /// <summary>Passes over the training data, ≥ 1. Default 10.</summary>
            public int NumberOfEpochs = 10;

            /// <summary>Reshuffle the training rows every epoch. Default true.</summary>
            public bool Shuffle = true;

            /// <summary>Seed of initialisation, shuffling and dropout; null = drawn from the MLContext's seed.</summary>
            public int? Seed;

            /// <summary>Threads used while training; null = 1, measured fastest and most stable here (see benchmarks/README.md).
            /// One network: libtorch's intra-op threads (a process-wide setting, restored after the fit). A SoftVotingEnsemble of
            /// MLP copies: members run side by side on this many threads (results bit-identical to 1 thread).</summary>
            public int? NumberOfThreads;

            /// <summary>Fraction of the training rows (stratified by class, seeded) held out to validate every epoch; 0 = none.
            /// Ignored when validation data is passed to <see cref="MulticlassTrainerBase{TModel}.Fit(IDataView, IDataView)"/>.</summary>
            public float ValidationFraction;

            /// <summary>Stop after this many epochs without improvement of <see cref="EarlyStoppingMetric"/> and keep the best
            /// epoch's weights (Keras restore_best_weights); null = off. Without validation data, training loss is watched.</summary>
            public int? EarlyStoppingPatience;

            /// <summary>What early stopping and ReduceOnPlateau watch. Default validation loss.</summary>
            public MlpEarlyStoppingMetric EarlyStoppingMetric = MlpEarlyStoppingMetric.ValidationLoss;

            /// <summary>Smallest change that counts as an improvement (loss units, or accuracy fraction). Default 0.</summary>
            public float EarlyStoppingMinDelta;

            /// <summary>Learning-rate schedule, evaluated per epoch. Default <see cref="MlpLearningRateSchedule.Constant"/>.</summary>
            public MlpLearningRateSchedule LearningRateSchedule = MlpLearningRateSchedule.Constant;

            /// <summary>Decay factor in (0, 1] for StepDecay, ExponentialDecay and ReduceOnPlateau; null = the schedule's usual
            /// value (StepDecay 0.1, ExponentialDecay 0.95, ReduceOnPlateau 0.1).</summary>
            public float? LearningRateDecay;

            /// <summary>Epochs between StepDecay steps, ≥ 1. Default 10.</summary>
            public int LearningRateStepSize = 10;

            /// <summary>Floor of CosineAnnealing and ReduceOnPlateau, ≥ 0. Default 0.</summary>
            public float MinimumLearningRate;

            /// <summary>Epochs without improvement before ReduceOnPlateau decays the rate, ≥ 1. Default 3.</summary>
            public int ReduceOnPlateauPatience = 3;

            /// <summary>Clip each gradient to this L2 norm (per network); null = no clipping.</summary>
            public float? GradientClipNorm;

            /// <summary>Per-class loss weights. Default <see cref="MlpClassWeighting.None"/>.</summary>
            public MlpClassWeighting ClassWeighting = MlpClassWeighting.None;

            /// <summary>Dense or sparse training memory. Default <see cref="MlpFeatureStorage.Auto"/> (by measured density).
            /// Both give the same model up to float rounding when <see cref="LazySparseUpdates"/> is false.</summary>
            public MlpFeatureStorage FeatureStorage = MlpFeatureStorage.Auto;

            /// <summary>
            /// Bytes the training rows may take in memory; null (default) = a quarter of what the GC may use
            /// (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>: physical memory, or the container's or GCHeapHardLimit's).
            /// Data that would need more is not copied: every epoch streams it from the IDataView in blocks of about a quarter
            /// of the budget, shuffling within each block, so memory stays flat however many rows there are. Validation data
            /// streams the same way; <see cref="ValidationFraction"/> then holds rows out row by row (seeded) instead of stratified.
            /// </summary>
            public long? TrainingMemoryBudget;

            /// <summary>
            /// With sparse storage, update only the first-layer weights of the features a mini-batch contains (TensorFlow's
            /// LazyAdam semantics; for every optimizer): an absent feature's weights, moments and momentum stay as they are
            /// until a batch holds it again, and weight decay reaches it only then. Every other parameter is updated every
            /// step. Default true: on a 218,008-feature text vector it makes a step cost the batch's non-zeros instead of
            /// all 14 M first-layer weights. False: exactly the dense semantics (every weight every step).
            /// </summary>
            public bool LazySparseUpdates = true;

            /// <summary>
            /// When the training loss or a weight becomes NaN or ∞ (too high a learning rate, unnormalised features):
            /// <see cref="MlpDivergenceHandling.Throw"/> (default) or <see cref="MlpDivergenceHandling.KeepLastFiniteWeights"/>.
            /// Never a model that scores NaN.
            /// </summary>
            public MlpDivergenceHandling DivergenceHandling = MlpDivergenceHandling.Throw;

            /// <summary>Stops a running fit within one mini-batch with <see cref="OperationCanceledException"/>.</summary>
            public CancellationToken CancellationToken;

            /// <summary>Called after every epoch with that epoch's metrics (not saved with the model).</summary>
            public Action<MlpEpochMetrics> EpochCallback;

            /// <summary>Train with the autograd reference path instead of the fast path (tests and diagnosis).</summary>
            internal bool UseReferenceEngine;

            /// <summary>Creates options with the default column names (Label, Features, no weight).</summary>
            public Options()
            {
                LabelColumnName = DefaultColumnNames.Label;
                FeatureColumnName = DefaultColumnNames.Features;
            }

            internal Options Clone() => (Options)MemberwiseClone();
        }

        private readonly Options _options;

        internal MlpTrainer(IHostEnvironment env, Options options)
            : base(env, LoadName, CheckOptions(options).FeatureColumnName, options.LabelColumnName, options.ExampleWeightColumnName)
        {
            _options = options.Clone();
            _options.HiddenLayerSizes = (int[])options.HiddenLayerSizes.Clone();
        }

        private protected override string DisplayName => TrainerName;

        private protected override bool SupportsWarmStart => true;

        /// <summary>Every option checked up front, so a bad value fails at construction, not inside libtorch.</summary>
        internal static Options CheckOptions(Options options)
        {
            if (options == null)
                throw new ArgumentNullException(nameof(options));
            if (string.IsNullOrEmpty(options.FeatureColumnName))
                throw new ArgumentOutOfRangeException(nameof(options.FeatureColumnName), options.FeatureColumnName, "FeatureColumnName must name a column, e.g. \"Features\".");
            if (string.IsNullOrEmpty(options.LabelColumnName))
                throw new ArgumentOutOfRangeException(nameof(options.LabelColumnName), options.LabelColumnName, "LabelColumnName must name a column, e.g. \"Label\".");
            if (options.HiddenLayerSizes == null)
                throw new ArgumentOutOfRangeException(nameof(options.HiddenLayerSizes), null, "HiddenLayerSizes must not be null; use an empty array for no hidden layer.");
            for (int i = 0; i < options.HiddenLayerSizes.Length; i++)
                if (options.HiddenLayerSizes[i] < 1)
                    throw new ArgumentOutOfRangeException(nameof(options.HiddenLayerSizes), options.HiddenLayerSizes[i],
                        $"HiddenLayerSizes[{i}] is {options.HiddenLayerSizes[i]}; every hidden layer needs at least 1 unit (e.g. new[] {{ 50, 50 }}).");
            if (!(options.DropoutRate >= 0 && options.DropoutRate < 1))
                throw new ArgumentOutOfRangeException(nameof(options.DropoutRate), options.DropoutRate, "DropoutRate must be in [0, 1): 0 disables dropout, 0.2 is the reference recipe.");
            if (options.BatchSize < 1)
                throw new ArgumentOutOfRangeException(nameof(options.BatchSize), options.BatchSize, "BatchSize must be at least 1 (32 is Keras' default).");
            if (options.NumberOfEpochs < 1)
                throw new ArgumentOutOfRangeException(nameof(options.NumberOfEpochs), options.NumberOfEpochs, "NumberOfEpochs must be at least 1.");
            if (!(options.LearningRate > 0) || float.IsInfinity(options.LearningRate))
                throw new ArgumentOutOfRangeException(nameof(options.LearningRate), options.LearningRate, "LearningRate must be a finite number > 0 (0.001 is Adam's usual value).");
            if (!(options.WeightDecay >= 0) || float.IsInfinity(options.WeightDecay))
                throw new ArgumentOutOfRangeException(nameof(options.WeightDecay), options.WeightDecay, "WeightDecay must be a finite number ≥ 0.");
            if (!(options.Momentum >= 0 && options.Momentum < 1))
                throw new ArgumentOutOfRangeException(nameof(options.Momentum), options.Momentum, "Momentum must be in [0, 1) (0.9 is usual for SGD).");
            if (options.Nesterov && (options.Optimizer != MlpOptimizer.Sgd || options.Momentum <= 0))
                throw new ArgumentOutOfRangeException(nameof(options.Nesterov), options.Nesterov, "Nesterov needs Optimizer = Sgd and Momentum > 0.");
            if (options.NumberOfThreads is int threads && threads < 1)
                throw new ArgumentOutOfRangeException(nameof(options.NumberOfThreads), threads, "NumberOfThreads must be at least 1, or null for the measured default (1).");
            if (!(options.ValidationFraction >= 0 && options.ValidationFraction < 1))
                throw new ArgumentOutOfRangeException(nameof(options.ValidationFraction), options.ValidationFraction, "ValidationFraction must be in [0, 1): 0 = no validation split, 0.1 holds out 10% of each class.");
            if (options.EarlyStoppingPatience is int patience && patience < 1)
                throw new ArgumentOutOfRangeException(nameof(options.EarlyStoppingPatience), patience, "EarlyStoppingPatience must be at least 1 epoch, or null to train every epoch.");
            if (!(options.EarlyStoppingMinDelta >= 0) || float.IsInfinity(options.EarlyStoppingMinDelta))
                throw new ArgumentOutOfRangeException(nameof(options.EarlyStoppingMinDelta), options.EarlyStoppingMinDelta, "EarlyStoppingMinDelta must be a finite number ≥ 0.");
            if (options.LearningRateDecay is float decay && !(decay > 0 && decay <= 1))
                throw new ArgumentOutOfRangeException(nameof(options.LearningRateDecay), options.LearningRateDecay, "LearningRateDecay must be in (0, 1], e.g. 0.1 for StepDecay or 0.95 for ExponentialDecay.");
            if (options.LearningRateStepSize < 1)
                throw new ArgumentOutOfRangeException(nameof(options.LearningRateStepSize), options.LearningRateStepSize, "LearningRateStepSize must be at least 1 epoch.");
            if (!(options.MinimumLearningRate >= 0) || options.MinimumLearningRate > options.LearningRate)
                throw new ArgumentOutOfRangeException(nameof(options.MinimumLearningRate), options.MinimumLearningRate, "MinimumLearningRate must be in [0, LearningRate].");
            if (options.ReduceOnPlateauPatience < 1)
                throw new ArgumentOutOfRangeException(nameof(options.ReduceOnPlateauPatience), options.ReduceOnPlateauPatience, "ReduceOnPlateauPatience must be at least 1 epoch.");
            if (options.GradientClipNorm is float clip && !(clip > 0 && !float.IsInfinity(clip)))
                throw new ArgumentOutOfRangeException(nameof(options.GradientClipNorm), clip, "GradientClipNorm must be a finite number > 0 (e.g. 1.0), or null for no clipping.");
            if (!Enum.IsDefined(options.LearningRateSchedule))
                throw new ArgumentOutOfRangeException(nameof(options.LearningRateSchedule), options.LearningRateSchedule, "Unknown schedule; use a value of MlpLearningRateSchedule.");
            if (!Enum.IsDefined(options.EarlyStoppingMetric))
                throw new ArgumentOutOfRangeException(nameof(options.EarlyStoppingMetric), options.EarlyStoppingMetric, "Unknown metric; use a value of MlpEarlyStoppingMetric.");
            if (!Enum.IsDefined(options.ClassWeighting))
                throw new ArgumentOutOfRangeException(nameof(options.ClassWeighting), options.ClassWeighting, "Unknown class weighting; use a value of MlpClassWeighting.");
            if (!Enum.IsDefined(options.Activation))
                throw new ArgumentOutOfRangeException(nameof(options.Activation), options.Activation, "Unknown activation; use a value of MlpActivation.");
            if (!Enum.IsDefined(options.WeightInitialization))
                throw new ArgumentOutOfRangeException(nameof(options.WeightInitialization), options.WeightInitialization, "Unknown weight initialization; use a value of MlpWeightInitialization.");
            if (!Enum.IsDefined(options.Optimizer))
                throw new ArgumentOutOfRangeException(nameof(options.Optimizer), options.Optimizer, "Unknown optimizer; use a value of MlpOptimizer.");
            if (options.TrainingMemoryBudget is long budget && budget <= 0)
                throw new ArgumentOutOfRangeException(nameof(options.TrainingMemoryBudget), budget, "TrainingMemoryBudget must be a number of bytes > 0 (e.g. 1L << 30 for 1 GiB), or null for a quarter of the available memory.");
            if (!Enum.IsDefined(options.FeatureStorage))
                throw new ArgumentOutOfRangeException(nameof(options.FeatureStorage), options.FeatureStorage, "Unknown feature storage; use a value of MlpFeatureStorage.");
            if (!Enum.IsDefined(options.DivergenceHandling))
                throw new ArgumentOutOfRangeException(nameof(options.DivergenceHandling), options.DivergenceHandling, "Unknown divergence handling; use a value of MlpDivergenceHandling.");
            return options;
        }

        /// <summary>Reads the data once, trains, and returns the model.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override MlpModelParameters TrainModelCore(TrainContext context)
        {
            MlpModelParameters initial = null;
            if (context.InitialPredictor != null)
                initial = context.InitialPredictor as MlpModelParameters
                    ?? throw new ArgumentException($"{TrainerName}: warm start needs an MlpModelParameters, not {context.InitialPredictor.GetType().Name}.", "initialModel");
            var result = MlpTraining.Run(Host, _options, context.TrainingSet, seeds: new[] { _options.Seed ?? Host.Rand.Next() },
                context.ValidationSet, initial == null ? null : new[] { initial });
            var history = initial == null ? result.Histories[0] : initial.TrainingHistory.Concat(result.Histories[0]);
            return new MlpModelParameters(Host, result.Members[0], history);
        }

        /// <summary>
        /// Continues training <paramref name="initialModel"/> (same shape: features, classes, hidden layers, batch norm) on
        /// <paramref name="trainData"/> for <see cref="Options.NumberOfEpochs"/> more epochs; the history continues.
        /// The optimizer's moments and the shuffling/dropout generators start afresh (they are not part of a saved model),
        /// so with Adam, shuffling or dropout the result differs from one uninterrupted run; with plain SGD, no shuffling and
        /// no dropout it is the same (see the tests).
        /// </summary>
        /// <param name="trainData">Training data with the same columns as the initial model's.</param>
        /// <param name="initialModel">The model to continue from; it is not modified.</param>
        public MulticlassPredictionTransformer<MlpModelParameters> Fit(IDataView trainData, MlpModelParameters initialModel)
        {
            if (initialModel == null)
                throw new ArgumentNullException(nameof(initialModel));
            if (initialModel.IsDisposed)
                throw new ObjectDisposedException(nameof(initialModel), "The initial model was disposed; warm start from a live model.");
            CheckTrainingSchema(trainData);
            return TrainTransformer(trainData, initPredictor: initialModel);
        }
    }
}
