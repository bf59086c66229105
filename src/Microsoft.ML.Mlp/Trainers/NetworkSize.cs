using System;
using System.Linq;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>Refuses, before anything is allocated, a network whose parameters or one batch of activations would not fit in one buffer.</summary>
    internal static class NetworkSize
    {
        /// <summary>Checks <paramref name="networks"/> fused copies of <paramref name="features"/> → hidden layers → <paramref name="outputs"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">Too many parameters (names HiddenLayerSizes) or too large a batch (names BatchSize).</exception>
        public static void Check(string trainer, MlpRecipe options, bool sparse, int features, int outputs, int networks)
        {
            if (Problem(trainer, options, sparse, features, outputs, networks) is Exception problem)
                throw problem;
        }

        /// <summary>What <see cref="Check"/> would throw, or null when the networks fit.</summary>
        public static ArgumentOutOfRangeException Problem(string trainer, MlpRecipe options, bool sparse, int features, int outputs, int networks)
        {
            long parameters = 0;
            for (int l = 0, fanIn = features; l <= options.HiddenLayerSizes.Length; l++)
            {
                int fanOut = l < options.HiddenLayerSizes.Length ? options.HiddenLayerSizes[l] : outputs;
                parameters += ((long)fanIn + 3) * fanOut;
                fanIn = fanOut;
            }
            if (parameters * networks > int.MaxValue / 4)
                return new ArgumentOutOfRangeException(nameof(options.HiddenLayerSizes), string.Join(",", options.HiddenLayerSizes),
                    $"{trainer}: {features} features and HiddenLayerSizes {{{string.Join(", ", options.HiddenLayerSizes)}}} make {parameters:N0} parameters "
                    + $"per network ({networks} network(s)); at most {int.MaxValue / 4 / networks:N0} fit in one buffer. Use smaller hidden layers or fewer features"
                    + (options.EnsembleSize > 1 ? $", or EnsembleSize = 1 (now {options.EnsembleSize} networks per model)." : "."));
            // Averaged networks become one model whose hidden layers hold every network's side by side (block-diagonal).
            if (options.EnsembleSize > 1)
            {
                long k = options.EnsembleSize, largest = 0;
                for (int l = 0, fanIn = features; l <= options.HiddenLayerSizes.Length; l++)
                {
                    int fanOut = l < options.HiddenLayerSizes.Length ? options.HiddenLayerSizes[l] : outputs;
                    largest = Math.Max(largest, (l == 0 ? 1 : k) * fanIn * (l < options.HiddenLayerSizes.Length ? k : 1) * fanOut);
                    fanIn = fanOut;
                }
                if (largest > int.MaxValue / 4)
                    return new ArgumentOutOfRangeException(nameof(MlpOptionsBase.EnsembleSize), options.EnsembleSize,
                        $"{trainer}: EnsembleSize {options.EnsembleSize} with HiddenLayerSizes {{{string.Join(", ", options.HiddenLayerSizes)}}} makes a model layer of "
                        + $"{largest:N0} weights (the networks side by side); at most {int.MaxValue / 4:N0} fit. Use a smaller EnsembleSize or smaller hidden layers.");
            }
            // One batch of every member's activations sits in one buffer too (the input rows as well, when stored dense).
            long widest = Math.Max(options.HiddenLayerSizes.DefaultIfEmpty(0).Max(), Math.Max(outputs, sparse ? 0 : features));
            if ((long)networks * options.BatchSize * widest > Array.MaxLength)
                return new ArgumentOutOfRangeException(nameof(options.BatchSize), options.BatchSize,
                    $"{trainer}: {networks} network(s) × BatchSize {options.BatchSize} × {widest:N0} values per row do not fit in one buffer. "
                    + "Use a smaller BatchSize, fewer members or FeatureStorage = Sparse.");
            return null;
        }
    }
}
