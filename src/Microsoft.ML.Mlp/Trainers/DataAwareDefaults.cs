using System;
using System.Collections.Generic;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// The rule that fills the options a user left null from the training data — the table in the README's "Defaults"
    /// section. It follows the tabular deep-learning literature (RealMLP's "better by default" recipe, Kadra et al.'s
    /// regularisation) as measured on the tabular benchmark (benchmarks/README.md): a 3 × 256 SELU network without batch
    /// norm, AdamW with decoupled decay, a cosine schedule, label smoothing for multiclass, robust feature scaling (with the
    /// piecewise-linear numeric embedding for regression), and the best epoch picked on held-out rows. Epochs follow a budget of rows seen, so small data gets enough steps and large data a
    /// bounded time. Deterministic: the same options and data give the same recipe. After training, <see cref="DepthChoice"/>
    /// may replace chosen hidden layers by none when a linear model holds out better.
    /// </summary>
    internal static class DataAwareDefaults
    {
        /// <summary>Rows seen over the whole fit (epochs × training rows) the epoch count aims at.</summary>
        public const double RowBudget = 1_000_000;

        /// <summary>Fewest and most epochs the rule chooses.</summary>
        public const int MinimumEpochs = 8, MaximumEpochs = 256;

        /// <summary>Share of the rows held out to pick the best epoch when no validation data is given.</summary>
        public const float HeldOutShare = 0.2f;

        /// <summary>Most networks the rule averages into one model.</summary>
        public const int MaximumChosenEnsembleSize = 4;

        /// <summary>Most features the rule embeds: tables (the suite's widest regression set has 15); wider dense rows (images,
        /// signals) would multiply the first layer's cost by up to 1 + bins.</summary>
        public const int MaximumEmbeddedFeatures = 512;

        /// <summary>Bins per feature of the piecewise-linear embedding unless set.</summary>
        public const int EmbeddingBins = 8;

        /// <summary>Fewest rows for which the rule holds rows out (fewer would leave too few to judge an epoch by).</summary>
        public const int MinimumRowsToHoldOut = 50;

        /// <summary>The recipe of one fit: each option as set, or chosen from <paramref name="profile"/>.</summary>
        /// <param name="options">The trainer's options (checked).</param>
        /// <param name="task">The task (multiclass gets label smoothing).</param>
        /// <param name="profile">Rows, features and sparsity of the training data.</param>
        /// <param name="hasValidationData">Validation data was passed to Fit: nothing needs holding out.</param>
        /// <param name="models">Models trained together (an ensemble's fused copies, which already average): more than one
        /// keeps each to one network.</param>
        public static MlpRecipe Resolve(MlpOptionsBase options, MlpTask task, DataProfile profile, bool hasValidationData, int models = 1)
        {
            var chosen = new HashSet<string>();
            T Pick<T>(T? set, Func<T> choose, string name) where T : struct
            {
                if (set is T value)
                    return value;
                chosen.Add(name);
                return choose();
            }

            int[] hidden = options.HiddenLayerSizes;
            if (hidden == null)
            {
                chosen.Add(nameof(MlpOptionsBase.HiddenLayerSizes));
                // Sparse rows are text-like and wide: one layer keeps the first layer's cost proportional to the non-zeros.
                hidden = profile.Sparse ? new[] { 128 } : new[] { 256, 256, 256 };
            }
            var activation = Pick(options.Activation, () => MlpActivation.Selu, nameof(MlpOptionsBase.Activation));
            var optimizer = Pick(options.Optimizer, () => MlpOptimizer.AdamW, nameof(MlpOptionsBase.Optimizer));
            float validation = hasValidationData ? 0f : Pick(options.ValidationFraction,
                () => profile.Rows >= MinimumRowsToHoldOut ? HeldOutShare : 0f, nameof(MlpOptionsBase.ValidationFraction));
            long trainingRows = Math.Max(1, (long)(profile.Rows * (1 - validation)));
            int epochs = Pick(options.NumberOfEpochs, () => (int)Math.Clamp(Math.Ceiling(RowBudget / trainingRows), MinimumEpochs, MaximumEpochs),
                nameof(MlpOptionsBase.NumberOfEpochs));
            bool judged = hasValidationData || validation > 0;
            var scaling = Pick(options.FeatureScaling, () => MlpFeatureScaling.Robust, nameof(MlpOptionsBase.FeatureScaling));
            int patience = Pick(options.EarlyStoppingPatience, () => judged ? Math.Max(8, epochs / 8) : 0, nameof(MlpOptionsBase.EarlyStoppingPatience));
            // Small data is where one fit's variance is largest and the row budget has room: spend it on averaged networks.
            int ensemble = Pick(options.EnsembleSize, () => models > 1 ? 1
                : (int)Math.Clamp(RowBudget / ((double)MaximumEpochs * trainingRows), 1, MaximumChosenEnsembleSize), nameof(MlpOptionsBase.EnsembleSize));
            // Cross-fitting: the averaged networks' held-out shares differ, so together they learn from every row. Chosen only
            // where it means something: several networks, rows held out, each network its own batches.
            bool rotate = options.RotateHeldOutRows ?? (ensemble > 1 && validation > 0 && !options.SharedBatchOrder);
            if (options.RotateHeldOutRows == null && rotate)
                chosen.Add(nameof(MlpOptionsBase.RotateHeldOutRows));
            return new MlpRecipe
            {
                HiddenLayerSizes = hidden,
                Activation = activation,
                WeightInitialization = Pick(options.WeightInitialization,
                    () => activation == MlpActivation.Selu ? MlpWeightInitialization.LecunNormal : MlpWeightInitialization.HeNormal,
                    nameof(MlpOptionsBase.WeightInitialization)),
                UseBatchNormalization = Pick(options.UseBatchNormalization, () => false, nameof(MlpOptionsBase.UseBatchNormalization)),
                DropoutRate = Pick(options.DropoutRate, () => 0.15f, nameof(MlpOptionsBase.DropoutRate)),
                Optimizer = optimizer,
                LearningRate = Pick(options.LearningRate, () => 0.002f, nameof(MlpOptionsBase.LearningRate)),
                WeightDecay = Pick(options.WeightDecay, () => optimizer == MlpOptimizer.AdamW ? 0.01f : 0f, nameof(MlpOptionsBase.WeightDecay)),
                // Whole powers of two from 32 to 256: about 8 steps per epoch on small data, 256 rows a step from 2,048 rows on.
                BatchSize = Pick(options.BatchSize, () => (int)Math.Clamp(1L << (int)Math.Log2(Math.Max(1, trainingRows / 8)), 32, 256),
                    nameof(MlpOptionsBase.BatchSize)),
                NumberOfEpochs = epochs,
                LearningRateSchedule = Pick(options.LearningRateSchedule, () => MlpLearningRateSchedule.CosineAnnealing,
                    nameof(MlpOptionsBase.LearningRateSchedule)),
                // Not for two classes: smoothing caps a binary probability at 1 − ε/2, which flattens the ranking (AUC) among
                // confident rows; measured on the suite's binary sets it cost AUC on 5 of 6, while it helped multiclass accuracy.
                LabelSmoothing = task.HasClasses ? Pick(options.LabelSmoothing, () => task is BinaryTask ? 0f : 0.1f, nameof(MlpOptionsBase.LabelSmoothing)) : 0f,
                ValidationFraction = validation,
                EarlyStoppingPatience = patience > 0 ? patience : null,
                FeatureScaling = scaling,
                // The task's choice (the bins measured worth it for regression only), behind robust scaling; dense rows only (FitFeatureScaling).
                NumericEmbedding = Pick(options.NumericEmbedding,
                    () => scaling == MlpFeatureScaling.Robust && profile.Features <= MaximumEmbeddedFeatures ? task.DefaultNumericEmbedding : MlpNumericEmbedding.None,
                    nameof(MlpOptionsBase.NumericEmbedding)),
                NumericEmbeddingBins = options.NumericEmbeddingBins ?? EmbeddingBins,
                EnsembleSize = ensemble,
                RotateHeldOutRows = rotate,
                Chosen = chosen,
            };
        }
    }
}
