using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>The data → engine → networks path shared by <see cref="MlpTrainer"/>, <see cref="MlpBinaryTrainer"/> (a
    /// two-class network over a Boolean label) and the fused N-copies ensemble.</summary>
    internal static class MlpTraining
    {
        /// <param name="host">The trainer's host (log, cancellation).</param>
        /// <param name="options">Any task's options: only the shared fields are read.</param>
        /// <param name="data">Training data, role-mapped.</param>
        /// <param name="seeds">One seed per network trained.</param>
        /// <param name="validationData">Validation data, or null.</param>
        /// <param name="initialModels">Warm start: one model per seed, or null.</param>
        /// <param name="booleanLabel">Binary: the label is Boolean (false → class 0, true → class 1) instead of a key.</param>
        public static TrainingResult Run(IHost host, MlpOptionsBase options, RoleMappedData data, int[] seeds,
            RoleMappedData validationData = null, MlpModelParameters[] initialModels = null, bool booleanLabel = false)
        {
            if (booleanLabel)
                CheckEarlyStoppingMetric(options, "binary classification", MlpEarlyStoppingMetric.ValidationAccuracy, MlpEarlyStoppingMetric.ValidationAuc);
            else
                CheckEarlyStoppingMetric(options, "multiclass classification", MlpEarlyStoppingMetric.ValidationAccuracy);
            string trainer = booleanLabel ? MlpBinaryTrainer.TrainerName : MlpTrainer.TrainerName;
            using var channel = host.Start("Training");
            var schema = data.Data.Schema;
            var (featureCount, classCount) = SchemaChecks.CheckTrainingSchema(schema, trainer,
                data.Schema.Label.Value.Name, data.Schema.Feature.Value.Name, data.Schema.Weight?.Name, booleanLabel);
            if (validationData != null)
            {
                var (_, validationClasses) = SchemaChecks.CheckTrainingSchema(validationData.Data.Schema, trainer,
                    validationData.Schema.Label.Value.Name, validationData.Schema.Feature.Value.Name, null, booleanLabel);
                int validationFeatures = validationData.Schema.Feature.Value.Type.GetVectorSize();
                if (validationClasses != classCount || validationFeatures != featureCount)
                    throw new InvalidOperationException(
                        $"{trainer}: validation data has {validationFeatures} features and {validationClasses} label classes but the training data "
                        + $"{featureCount} and {classCount}. Transform both with the same fitted pipeline"
                        + (booleanLabel ? "." : " (the same MapValueToKey)."));
            }

            CheckNetworkFits(trainer, options, featureCount, classCount, seeds.Length);
            var (dataset, validation) = TrainingSources.Open(options, data, validationData, classCount, seeds[0], channel, trainer);
            var architecture = new NetworkArchitecture(featureCount, options.HiddenLayerSizes, classCount,
                options.Activation, options.UseBatchNormalization, options.DropoutRate);
            string members = seeds.Length == 1 ? "" : $" × {seeds.Length} members (fused)";
            channel.Info("{0}: training {1}{2}, {3}, {4} epochs, batch {5}, {6} lr {7}, seed {8}.", trainer,
                architecture.Describe(), members, options.Activation, options.NumberOfEpochs, options.BatchSize, options.Optimizer,
                options.LearningRate, string.Join(",", seeds));

            if (initialModels != null)
                foreach (var initial in initialModels)
                    if (!initial.Network.Architecture.SameShape(architecture))
                        throw new InvalidOperationException(
                            $"{trainer}: the initial model is {initial.Network.Architecture.Describe()} ({initial.Network.Architecture.Activation}, batch norm {initial.Network.Architecture.UseBatchNormalization}) "
                            + $"but these options and data make {architecture.Describe()} ({architecture.Activation}, batch norm {architecture.UseBatchNormalization}). "
                            + "Warm start needs the same features, classes, HiddenLayerSizes, Activation and UseBatchNormalization.");

            var settings = Settings(host, channel, trainer, options, seeds, validation, initialModels?.Select(m => m.Network).ToArray(),
                initialModels?[0].TrainingHistory, architecture);
            return NetworkTrainer.Train(architecture, settings, dataset);
        }

        /// <summary>
        /// Refuses, before anything is allocated, a network whose parameters or whose one batch of activations would not fit in one
        /// buffer: <paramref name="networks"/> fused copies of <paramref name="features"/> → hidden layers → <paramref name="outputs"/>.
        /// </summary>
        internal static void CheckNetworkFits(string trainer, MlpOptionsBase options, int features, int outputs, int networks)
        {
            long parameters = 0;
            for (int l = 0, fanIn = features; l <= options.HiddenLayerSizes.Length; l++)
            {
                int fanOut = l < options.HiddenLayerSizes.Length ? options.HiddenLayerSizes[l] : outputs;
                parameters += ((long)fanIn + 3) * fanOut;
                fanIn = fanOut;
            }
            if (parameters * networks > int.MaxValue / 4)
                throw new ArgumentOutOfRangeException(nameof(options.HiddenLayerSizes), string.Join(",", options.HiddenLayerSizes),
                    $"{trainer}: {features} features and HiddenLayerSizes {{{string.Join(", ", options.HiddenLayerSizes)}}} make {parameters:N0} parameters "
                    + $"per network ({networks} network(s)); at most {int.MaxValue / 4 / networks:N0} fit in one buffer. Use smaller hidden layers or fewer features.");
            // One batch of every member's activations sits in one buffer too (the input rows as well, when stored dense).
            long widest = Math.Max(options.HiddenLayerSizes.DefaultIfEmpty(0).Max(), Math.Max(outputs, options.FeatureStorage == MlpFeatureStorage.Sparse ? 0 : features));
            if ((long)networks * options.BatchSize * widest > Array.MaxLength)
                throw new ArgumentOutOfRangeException(nameof(options.BatchSize), options.BatchSize,
                    $"{trainer}: {networks} network(s) × BatchSize {options.BatchSize} × {widest:N0} values per row do not fit in one buffer. "
                    + "Use a smaller BatchSize, fewer members or FeatureStorage = Sparse.");
        }

        /// <summary>Rejects an early-stopping metric the task does not compute. Every task has the validation loss; the caller lists
        /// its others (classification accuracy, binary AUC, regression RMSE and R²).</summary>
        internal static void CheckEarlyStoppingMetric(MlpOptionsBase options, string task, params MlpEarlyStoppingMetric[] taskMetrics)
        {
            if (options.EarlyStoppingMetric != MlpEarlyStoppingMetric.ValidationLoss && Array.IndexOf(taskMetrics, options.EarlyStoppingMetric) < 0)
                throw new ArgumentOutOfRangeException(nameof(options.EarlyStoppingMetric), options.EarlyStoppingMetric,
                    $"EarlyStoppingMetric {options.EarlyStoppingMetric} is not computed for {task}; use ValidationLoss or {string.Join(" or ", taskMetrics)}.");
        }

        /// <summary>The engine settings of any task's options (regression adds its loss and label scale to them).</summary>
        internal static TrainingSettings Settings(IHost host, IChannel channel, string trainer, MlpOptionsBase options, int[] seeds, IRowSource validation,
            NetworkWeights[] initialNetworks, System.Collections.Generic.IReadOnlyList<MlpEpochMetrics> initialHistory, NetworkArchitecture architecture,
            MlpRegressionLoss? regressionLoss = null, float huberDelta = 1f, double labelScale = 1)
        {
            return new TrainingSettings
            {
                WeightInitialization = options.WeightInitialization,
                Optimizer = options.Optimizer,
                LearningRate = options.LearningRate,
                WeightDecay = options.WeightDecay,
                Momentum = options.Momentum,
                Nesterov = options.Nesterov,
                BatchSize = options.BatchSize,
                Epochs = options.NumberOfEpochs,
                Shuffle = options.Shuffle,
                Seeds = seeds,
                NetworkFactory = options.NetworkFactory,
                Schedule = options.LearningRateSchedule,
                LearningRateDecay = options.LearningRateDecay ?? (options.LearningRateSchedule == MlpLearningRateSchedule.ExponentialDecay ? 0.95f : 0.1f),
                LearningRateStepSize = options.LearningRateStepSize,
                MinimumLearningRate = options.MinimumLearningRate,
                ReduceOnPlateauPatience = options.ReduceOnPlateauPatience,
                GradientClipNorm = options.GradientClipNorm,
                // Regression has one output, so nothing for class weighting to balance.
                ClassWeighting = regressionLoss == null ? options.ClassWeighting : MlpClassWeighting.None,
                RegressionLoss = regressionLoss,
                HuberDelta = huberDelta,
                RegressionLabelScale = labelScale,
                EarlyStoppingPatience = options.EarlyStoppingPatience,
                EarlyStoppingMetric = options.EarlyStoppingMetric,
                EarlyStoppingMinDelta = options.EarlyStoppingMinDelta,
                Validation = validation,
                // The initial weights under the new options' architecture: e.g. a new DropoutRate applies to the continued run.
                InitialWeights = initialNetworks?.Select(n => new NetworkWeights(architecture, n.Layers)).ToArray(),
                EpochOffset = initialHistory?.Count > 0 ? initialHistory[^1].Epoch : 0,
                Threads = options.NumberOfThreads ?? 1,
                CancellationToken = options.CancellationToken,
                CheckAlive = host.CheckAlive,
                LazySparseUpdates = options.LazySparseUpdates,
                KeepLastFiniteWeights = options.DivergenceHandling == MlpDivergenceHandling.KeepLastFiniteWeights,
                Warn = message => channel.Warning("{0}: {1}", trainer, message),
                OnEpoch = (member, metrics) =>
                {
                    channel.Info("{0}{1}: {2}", trainer,
                        seeds.Length == 1 ? "" : $" member {member}", regressionLoss == null ? metrics.ToString() : metrics.RegressionSummary());
                    options.EpochCallback?.Invoke(metrics);
                },
            };
        }
    }
}
