using System.Linq;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>Translates a trainer's options (ML.NET side) into the engine's <see cref="TrainingSettings"/>.</summary>
    internal static class TrainingSettingsBuilder
    {
        /// <summary>The engine settings of one fit; a <paramref name="candidate"/> run (one the fit may discard) logs its epochs
        /// under that name and does not call the user's EpochCallback. With <paramref name="shares"/>, the networks hold out
        /// rows of their own instead of <paramref name="validation"/>.</summary>
        public static TrainingSettings Build(IHost host, IChannel channel, MlpTask task, MlpOptionsBase options, MlpRecipe recipe, int[] seeds, IRowSource validation,
            ITrainedNetwork initial, NetworkArchitecture architecture, LabelScale scale, string candidate = null, HeldOutShares shares = null)
        {
            var (memberRows, memberValidation) = shares?.ForNetworks(seeds.Length) ?? default;
            string trainer = task.MlpTrainerName;
            var history = initial?.TrainingHistory;
            return new TrainingSettings
            {
                Objective = task.Objective(architecture.OutputSize, scale, recipe.LabelSmoothing),
                WeightInitialization = recipe.WeightInitialization,
                Optimizer = recipe.Optimizer,
                LearningRate = recipe.LearningRate,
                WeightDecay = recipe.WeightDecay,
                Momentum = options.Momentum,
                Nesterov = options.Nesterov,
                BatchSize = recipe.BatchSize,
                Epochs = recipe.NumberOfEpochs,
                Shuffle = options.Shuffle,
                SharedBatchOrder = options.SharedBatchOrder,
                ManagedProducts = options.ManagedMatrixProducts,
                Seeds = seeds,
                NetworkFactory = options.NetworkFactory,
                Schedule = recipe.LearningRateSchedule,
                LearningRateDecay = options.LearningRateDecay ?? (recipe.LearningRateSchedule == MlpLearningRateSchedule.ExponentialDecay ? 0.95f : 0.1f),
                LearningRateStepSize = options.LearningRateStepSize,
                MinimumLearningRate = options.MinimumLearningRate,
                ReduceOnPlateauPatience = options.ReduceOnPlateauPatience,
                GradientClipNorm = options.GradientClipNorm,
                ClassWeighting = options.ClassWeighting,
                EarlyStoppingPatience = recipe.EarlyStoppingPatience,
                EarlyStoppingMetric = options.EarlyStoppingMetric,
                EarlyStoppingMinDelta = options.EarlyStoppingMinDelta,
                Validation = validation,
                MemberRows = memberRows,
                MemberValidation = memberValidation,
                // The initial weights under the new options' architecture: e.g. a new DropoutRate applies to the continued run.
                InitialWeights = initial == null ? null : new[] { new NetworkWeights(architecture, initial.Network.Layers) },
                EpochOffset = history?.Count > 0 ? history[^1].Epoch : 0,
                Threads = options.NumberOfThreads ?? 1,
                CancellationToken = options.CancellationToken,
                CheckAlive = host.CheckAlive,
                LazySparseUpdates = options.LazySparseUpdates,
                KeepLastFiniteWeights = options.DivergenceHandling == MlpDivergenceHandling.KeepLastFiniteWeights,
                Warn = message => channel.Warning("{0}: {1}", trainer, message),
                OnEpoch = (member, metrics) =>
                {
                    channel.Info("{0}{1}: {2}", trainer, candidate != null ? $" ({candidate})" : seeds.Length == 1 ? "" : $" member {member}",
                        task.EpochSummary(metrics));
                    if (candidate == null)
                        options.EpochCallback?.Invoke(metrics);
                },
            };
        }
    }
}
