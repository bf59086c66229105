using System;
using System.Diagnostics;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// The feature-scaling step of a fit (<see cref="MlpFit"/>), the counterpart of the task's label scale: a
    /// <see cref="FeatureScaler"/> fitted on the training rows when the recipe says <see cref="MlpFeatureScaling.Robust"/>, or
    /// a warm start's initial model's own (its network was trained behind it, so it is kept, never refitted), applied to the
    /// training and validation rows before the network sees them.
    /// </summary>
    internal static class FitFeatureScaling
    {
        /// <summary>The row storage a fit asks for: a warm start behind a centring scaler needs dense rows, since its centring
        /// turns zeros into other values; so does a piecewise-linear embedding, which reads every value.</summary>
        /// <exception cref="InvalidOperationException">The options force sparse rows under such an initial model or embedding.</exception>
        public static MlpFeatureStorage Storage(MlpOptionsBase options, ITrainedNetwork initial, string trainer)
        {
            if (initial == null && options.NumericEmbedding == MlpNumericEmbedding.PiecewiseLinear)
            {
                if (options.FeatureStorage == MlpFeatureStorage.Sparse)
                    throw new InvalidOperationException($"{trainer}: NumericEmbedding PiecewiseLinear bins every feature value, so it reads the rows densely; "
                        + "set FeatureStorage to Auto or Dense, or NumericEmbedding to None for sparse rows.");
                return MlpFeatureStorage.Dense;
            }
            if (initial?.FeatureScaler is not { KeepsZeros: false })
                return options.FeatureStorage;
            if (options.FeatureStorage == MlpFeatureStorage.Sparse)
                throw new InvalidOperationException($"{trainer}: the initial model centres its features (robust scaling fitted on dense rows), so a warm "
                    + "start from it reads the rows densely; set FeatureStorage to Auto or Dense.");
            return MlpFeatureStorage.Dense;
        }

        /// <summary>The recipe a warm start trains with: the initial model's scaling and embedding, whatever the options say (a
        /// warning when they set another); without an initial model, no embedding on sparse rows unless the options set one.</summary>
        public static MlpRecipe Resolve(MlpRecipe recipe, MlpOptionsBase options, ITrainedNetwork initial, bool sparse, IChannel channel, string trainer)
        {
            if (initial == null)
                return sparse && options.NumericEmbedding == null ? recipe with { NumericEmbedding = MlpNumericEmbedding.None } : recipe;
            var kept = initial.FeatureScaler == null ? MlpFeatureScaling.None : MlpFeatureScaling.Robust;
            if (options.FeatureScaling is MlpFeatureScaling set && set != kept)
                channel.Warning("{0}: FeatureScaling is {1}, but the initial model was trained with {2}; the warm start keeps the initial model's.",
                    trainer, set, kept);
            var keptEmbedding = initial.FeatureScaler?.Encoding == null ? MlpNumericEmbedding.None : MlpNumericEmbedding.PiecewiseLinear;
            if (options.NumericEmbedding is MlpNumericEmbedding embedding && embedding != keptEmbedding)
                channel.Warning("{0}: NumericEmbedding is {1}, but the initial model was trained with {2}; the warm start keeps the initial model's.",
                    trainer, embedding, keptEmbedding);
            return recipe with { FeatureScaling = kept, NumericEmbedding = keptEmbedding };
        }

        /// <summary>Scales both sources (from now on their rows read scaled); returns the scaler, or null for none.</summary>
        /// <param name="recipe">The fit's recipe (<see cref="Resolve"/> applied).</param>
        /// <param name="train">The training rows; a new scaler is fitted on them.</param>
        /// <param name="validation">The validation rows, or null.</param>
        /// <param name="initial">A warm start's initial model, whose scaler is kept; or null.</param>
        /// <param name="sample">The rows a new scaler is fitted on (<see cref="IRowSource.FeatureSample"/> of <paramref name="train"/>), or null for none.</param>
        /// <param name="channel">Where the fit is logged.</param>
        /// <param name="trainer">Trainer name for the log.</param>
        public static FeatureScaler Apply(MlpRecipe recipe, IRowSource train, IRowSource validation, ITrainedNetwork initial, TrainingData sample,
            IChannel channel, string trainer)
        {
            var scaler = initial != null ? initial.FeatureScaler
                : recipe.FeatureScaling == MlpFeatureScaling.Robust ? Fit(recipe, train.FeatureCount, sample, channel, trainer)
                : null;
            if (scaler == null)
                return null;
            train.ScaleFeatures(scaler);
            validation?.ScaleFeatures(scaler);
            return scaler;
        }

        private static FeatureScaler Fit(MlpRecipe recipe, int featureCount, TrainingData sample, IChannel channel, string trainer)
        {
            var clock = Stopwatch.StartNew();
            sample ??= new TrainingData(Array.Empty<float>(), Array.Empty<float>(), null, 0, featureCount);
            var scaler = FeatureScalerFit.Fit(sample);
            if (recipe.NumericEmbedding == MlpNumericEmbedding.PiecewiseLinear)
                scaler = FeatureScalerFit.WithEncoding(scaler, sample, recipe.NumericEmbeddingBins);
            int step = sample.Sparse == null ? FeatureScalerFit.SampleStep(sample.RowCount, sample.FeatureCount) : 1;
            channel.Info("{0}: robust feature scaling{1} fitted on {2:N0} rows{3}{4} in {5:F3} s.", trainer,
                scaler.Encoding == null ? "" : $" and piecewise-linear embedding ({scaler.Encoding.Count:N0} bins over {featureCount:N0} features)",
                sample.RowCount, step > 1 ? $" (every {step}th row used)" : "", sample.Sparse != null ? " (sparse: scaled by the largest |value|, not centred)" : "",
                clock.Elapsed.TotalSeconds);
            return scaler;
        }
    }
}
