using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>What a fit produced: one network and one history per seed, the label scale their outputs are in, the feature
    /// scaler their inputs go through (null for none; one for all seeds), the settings they trained with, and the training
    /// rows' feature means.</summary>
    internal sealed record FitResult(NetworkWeights[] Networks, List<MlpEpochMetrics>[] Histories, LabelScale LabelScale, FeatureScaler Scaler,
        string TrainingSettings, float[] FeatureMeans)
    {
        /// <summary>Network <paramref name="member"/> as a model holds it, with <paramref name="history"/>.</summary>
        public TrainedMlp Member(int member, List<MlpEpochMetrics> history) => new(Networks[member], history, Scaler, TrainingSettings, FeatureMeans);
    }

    /// <summary>
    /// The one data → engine → networks path of every Mlp trainer, whatever its task, and of fused ensemble members: schema
    /// checks, the rows (dense or sparse, in memory or streamed), the task's label scale, the feature scaling, the architecture,
    /// warm start, and the engine's settings. What differs by task comes from the <see cref="MlpTask"/>.
    /// </summary>
    internal static class MlpFit
    {
        /// <param name="host">The trainer's host (log, cancellation).</param>
        /// <param name="task">The task: label, objective, metrics.</param>
        /// <param name="options">The trainer's options (checked).</param>
        /// <param name="data">Training data, role-mapped.</param>
        /// <param name="seeds">One seed per network; several train as one fused network.</param>
        /// <param name="validationData">Validation data, or null.</param>
        /// <param name="initial">Warm start (one seed only): the model to continue, or null.</param>
        public static FitResult Run(IHost host, MlpTask task, MlpOptionsBase options, RoleMappedData data, int[] seeds,
            RoleMappedData validationData, ITrainedNetwork initial)
        {
            task.CheckEarlyStoppingMetric(options.EarlyStoppingMetric);
            string trainer = task.MlpTrainerName;
            using var channel = host.Start("Training");
            var (featureCount, width) = CheckSchemas(task, trainer, data, validationData);
            var profile = DataProfile.Measure(data, FitFeatureScaling.Storage(options, initial, trainer));
            var recipe = FitFeatureScaling.Resolve(DataAwareDefaults.Resolve(options, task, profile, validationData != null, seeds.Length), options, initial,
                profile.Sparse, channel, trainer);
            recipe = AsThisFitRunsIt(recipe, initial, trainer, profile.Sparse, featureCount, width, seeds.Length, validationData != null);
            channel.Info("{0}: {1:N0} rows × {2} features ({3}){4}: {5}.", trainer, profile.Rows, featureCount, profile.Sparse ? "sparse" : "dense",
                task.HasClasses ? $", {width} classes" : "", recipe.Describe());
            int members = recipe.EnsembleSize;
            NetworkSize.Check(trainer, recipe, profile.Sparse, featureCount, width, seeds.Length * members);
            // Before any row is read or scaled: an initial model's scaler reads exactly its own features.
            if (initial != null && (initial.FeatureScaler?.Width ?? initial.Network.Architecture.InputSize) is int initialFeatures && initialFeatures != featureCount)
                throw new InvalidOperationException($"{trainer}: the initial model reads {initialFeatures} features but the data has {featureCount}. "
                    + "Warm start needs the same features: transform the data with the pipeline the initial model was trained behind.");
            // An embedding's bins widen every dense row: the budget decides in memory or streamed, and the block size, on that width.
            double widthFactor = initial?.FeatureScaler is { Encoding: not null } kept ? 1 + (double)kept.OutputWidth / kept.Width
                : recipe.NumericEmbedding == MlpNumericEmbedding.PiecewiseLinear && !profile.Sparse ? 2 + recipe.NumericEmbeddingBins : 1;
            var rowSources = new RowSourceOptions(options.TrainingMemoryBudget, recipe.ValidationFraction, recipe.BatchSize, widthFactor,
                recipe.RotateHeldOutRows ? members : 1);
            var (train, validation) = TrainingSources.Open(rowSources, profile, task, width, data, validationData, seeds[0], channel, trainer);
            if (recipe.RotateHeldOutRows && validation != null)
            {
                channel.Info("{0}: the rows are streamed, so the averaged networks share one held-out set (RotateHeldOutRows false).", trainer);
                recipe = recipe with { RotateHeldOutRows = false };
            }
            var scale = task.ScaleLabels(train, validation, initial?.LabelScale);
            // One read of the sample (a streamed source's first block) for both: the means as read, then the scaler, which
            // rewrites rows held in memory (in place, or into wider rows with an embedding's bins).
            var sample = train.FeatureSample();
            var means = sample == null ? new float[featureCount] : FeatureMeans.Of(sample);
            var scaler = FitFeatureScaling.Apply(recipe, train, validation, initial, sample, channel, trainer);
            var shares = recipe.RotateHeldOutRows ? HoldOutShares(recipe, (InMemoryRows)train, members, task, seeds[0], channel, trainer) : null;
            var architecture = new NetworkArchitecture(train.FeatureCount, recipe.HiddenLayerSizes, width, recipe.Activation, recipe.UseBatchNormalization, recipe.DropoutRate);
            if (scaler?.Encoding != null)
                NetworkSize.Check(trainer, recipe, false, train.FeatureCount, width, seeds.Length * members);
            if (initial != null && !initial.Network.Architecture.SameShape(architecture))
                throw new InvalidOperationException(
                    $"{trainer}: the initial model is {Describe(initial.Network.Architecture)} but these options and data make {Describe(architecture)}. "
                    + "Warm start needs the same features, outputs, HiddenLayerSizes, Activation and UseBatchNormalization."
                    + (initial.Network.Architecture.HiddenLayerSizes.AsSpan().SequenceEqual(architecture.HiddenLayerSizes) ? ""
                        : $" To continue the model as it is (an averaged model, EnsembleSize > 1, is the one network of its networks side by side), "
                        + $"set HiddenLayerSizes = {{{string.Join(", ", initial.Network.Architecture.HiddenLayerSizes)}}} or leave it null."));
            var allSeeds = SubMemberSeeds(seeds, members);
            channel.Info("{0}: training {1}{2}, seed {3}{4}.", trainer, architecture.Describe(),
                allSeeds.Length == 1 ? "" : $" × {allSeeds.Length} networks (fused{(members > 1 ? $", averaged in groups of {members}" : "")}{(options.SharedBatchOrder ? ", shared batch order" : "")})", string.Join(",", allSeeds),
                task.HasClasses ? "" : $", label mean {scale.Mean:G6} and standard deviation {scale.StandardDeviation:G6}");
            var settings = TrainingSettingsBuilder.Build(host, channel, task, options, recipe, allSeeds, validation, initial, architecture, scale, shares: shares);
            if (settings.Threads > 1 && allSeeds.Length == 1 && architecture.ParameterCount < SmallNetwork)
                channel.Warning("{0}: NumberOfThreads = {1} for one network splits each of its matrix products over {1} threads; for a network this small "
                    + "that was measured slower than one thread (1.7× on an Intel Xeon, 7–10× on an AMD EPYC: benchmarks/README.md). Leave NumberOfThreads "
                    + "null (1) for one network; threads pay off for an ensemble's networks side by side.", trainer, settings.Threads);
            // TorchSharp loads libtorch without a lock: the background load the trainer started must be over before the first product.
            EngineWarmUp.Start().Wait();
            ScoringCode.CompileInBackground(); // on the core training leaves idle: the model's first rows find their code compiled
            var result = Averaged(NetworkTrainer.Train(architecture, settings, train), members);
            if (DepthChoice.Applies(recipe, seeds, initial, validation, shares))
                (result, recipe) = DepthChoice.Choose(host, channel, task, options, recipe, seeds, train, validation, shares, architecture, scale, result);
            return new FitResult(result.Members, result.Histories, scale, scaler, recipe.Describe(), means);
        }

        /// <summary>The averaged networks' own held-out shares of the rows (scaled, in memory), logged.</summary>
        private static HeldOutShares HoldOutShares(MlpRecipe recipe, InMemoryRows train, int members, MlpTask task, int seed, IChannel channel, string trainer)
        {
            var shares = HeldOutShares.Make(train.Data, recipe.ValidationFraction, seed, task.HasClasses, members, trainer);
            channel.Info("{0}: each of the {1} averaged networks holds out its own {2} of {3} rows{4} for validation.", trainer, members,
                shares.Validation[0].FeatureSample().RowCount, train.Data.RowCount, task.HasClasses ? " (stratified)" : "");
            return shares;
        }

        /// <summary>
        /// The recipe as this fit runs it. A warm start continues the initial model's one network: EnsembleSize 1 (an explicit
        /// larger one is refused) and the initial model's hidden layers when the rule chose them. A rule-chosen EnsembleSize falls to 1 where the averaged networks would not fit in one model.
        /// RotateHeldOutRows only where several networks hold rows out of the training data.
        /// </summary>
        private static MlpRecipe AsThisFitRunsIt(MlpRecipe recipe, ITrainedNetwork initial, string trainer, bool sparse, int features, int outputs, int models,
            bool hasValidationData)
        {
            bool chosenMembers = recipe.Chosen.Contains(nameof(MlpOptionsBase.EnsembleSize));
            if (initial != null)
            {
                if (recipe.EnsembleSize > 1 && !chosenMembers)
                    throw new InvalidOperationException(
                        $"{trainer}: EnsembleSize is {recipe.EnsembleSize} but a warm start continues one network. Set EnsembleSize = 1 (or leave it null) to continue a model.");
                recipe = recipe with { EnsembleSize = 1 };
                var initialHidden = initial.Network.Architecture.HiddenLayerSizes;
                if (recipe.Chosen.Contains(nameof(MlpOptionsBase.HiddenLayerSizes)))
                    recipe = recipe with { HiddenLayerSizes = initialHidden.ToArray() };
            }
            if (recipe.EnsembleSize > 1 && chosenMembers && NetworkSize.Problem(trainer, recipe, sparse, features, outputs, models * recipe.EnsembleSize) != null)
                recipe = recipe with { EnsembleSize = 1 };
            // Shares of their own need several networks and rows held out of the training data.
            if (recipe.RotateHeldOutRows && !(recipe.EnsembleSize > 1 && !hasValidationData && recipe.ValidationFraction > 0))
                recipe = recipe with { RotateHeldOutRows = false };
            return recipe;
        }

        /// <summary>Each model's seed followed by its sub-networks' (model i, network j: seed i + j × models × 1,000,003, so
        /// network 0 is the model's own seed and no two networks share a seed when the models' seeds are i × 1,000,003 apart).</summary>
        private static int[] SubMemberSeeds(int[] seeds, int members) => members == 1 ? seeds
            : Enumerable.Range(0, seeds.Length * members).Select(x => unchecked(seeds[x / members] + x % members * seeds.Length * MemberSeedStride)).ToArray();

        /// <summary>Parameters below which one network's products are too small to share among threads (the seed model has 47,410).</summary>
        private const long SmallNetwork = 1_000_000;

        /// <summary>How far apart the seeds of networks trained together are (an ensemble's copies, a model's averaged
        /// networks): a prime, so that members differ and no two share a seed.</summary>
        internal const int MemberSeedStride = 1_000_003;

        /// <summary>Each group of <paramref name="members"/> consecutive networks as one averaged network, their histories
        /// merged by epoch (each entry names its network in <see cref="MlpEpochMetrics.Member"/>).</summary>
        private static TrainingResult Averaged(TrainingResult result, int members)
        {
            if (members == 1)
                return result;
            int models = result.Members.Length / members;
            return new TrainingResult(
                Enumerable.Range(0, models).Select(i => NetworkAverage.Of(result.Members[(i * members)..((i + 1) * members)])).ToArray(),
                Enumerable.Range(0, models).Select(i => result.Histories[(i * members)..((i + 1) * members)].SelectMany(h => h)
                    .OrderBy(h => h.Epoch).ThenBy(h => h.Member).ToList()).ToArray());
        }

        /// <summary>Checks the training data and, when given, that the validation data has the same features and outputs.</summary>
        private static (int FeatureCount, int OutputWidth) CheckSchemas(MlpTask task, string trainer, RoleMappedData data, RoleMappedData validationData)
        {
            var (featureCount, width) = task.CheckSchema(data.Data.Schema, trainer, data.Schema.Label.Value.Name, data.Schema.Feature.Value.Name, data.Schema.Weight?.Name);
            if (validationData == null)
                return (featureCount, width);
            var (validationFeatures, validationWidth) = task.CheckSchema(validationData.Data.Schema, trainer,
                validationData.Schema.Label.Value.Name, validationData.Schema.Feature.Value.Name, null);
            if (validationWidth != width || validationFeatures != featureCount)
                throw new InvalidOperationException(
                    $"{trainer}: validation data has {validationFeatures} features{task.DescribeOutputs(validationWidth)} but the training data "
                    + $"{featureCount} features{task.DescribeOutputs(width)}. Transform both with the same fitted pipeline (the same MapValueToKey for a key label).");
            return (featureCount, width);
        }

        private static string Describe(NetworkArchitecture architecture) =>
            $"{architecture.Describe()} ({architecture.Activation}, batch norm {architecture.UseBatchNormalization})";
    }
}
