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

        /// <summary>Options of <see cref="MlpTrainer"/>: every field is shared through <see cref="MlpOptionsBase"/>.
        /// Defaults reproduce the Keras reference recipe's blocks.</summary>
        public sealed class Options : MlpOptionsBase
        {
            /// <summary>Creates options with the default column names (Label, Features, no weight).</summary>
            public Options()
            {
            }

            internal Options Clone() => (Options)CloneOptions();
        }

        private readonly Options _options;

        internal MlpTrainer(IHostEnvironment env, Options options)
            : base(env, LoadName, CheckOptions(options).FeatureColumnName, options.LabelColumnName, options.ExampleWeightColumnName)
        {
            _options = options.Clone();
        }

        private protected override string DisplayName => TrainerName;

        private protected override bool SupportsWarmStart => true;

        /// <summary>Every option checked up front, so a bad value fails at construction, not inside libtorch.</summary>
        internal static TOptions CheckOptions<TOptions>(TOptions options) where TOptions : MlpOptionsBase
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
        /// <paramref name="trainData"/> for <see cref="MlpOptionsBase.NumberOfEpochs"/> more epochs; the history continues.
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
