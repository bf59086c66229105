using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Benchmarks.Tabular
{
    /// <summary>
    /// The <c>--refit</c> comparison of issue 17 (held-out rows against refitting on all rows): from a fit with the defaults
    /// (which held 20% out to pick the best epoch and, maybe, the linear candidate), the options of a second fit on every
    /// training row — the first fit's hidden layers (none if the linear candidate won), averaged networks and batch size,
    /// its best epoch count (the median over its networks), nothing held out, no early stopping.
    /// </summary>
    public static class MlpRefit
    {
        /// <summary>Sets <paramref name="options"/> from the model inside <paramref name="fitted"/> (any task's Mlp transformer).</summary>
        public static void Apply(ITransformer fitted, MlpOptionsBase options)
        {
            object model = fitted.GetType().GetProperty("Model").GetValue(fitted);
            if (model is Microsoft.ML.Calibrators.CalibratedModelParametersBase<MlpBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator> calibrated)
                model = calibrated.SubModel; // binary: the network inside its calibrator
            string settings = (string)model.GetType().GetProperty("TrainingSettings").GetValue(model);
            var history = (IReadOnlyList<MlpEpochMetrics>)model.GetType().GetProperty("TrainingHistory").GetValue(model);

            var hidden = Regex.Match(settings, @"HiddenLayerSizes \{([^}]*)\}").Groups[1].Value;
            options.HiddenLayerSizes = settings.Contains("linear: held-out loss") || hidden.Trim().Length == 0
                ? Array.Empty<int>()
                : hidden.Split(',').Select(h => int.Parse(h.Trim())).ToArray();
            options.EnsembleSize = int.Parse(Regex.Match(settings, @"EnsembleSize (\d+)").Groups[1].Value);
            options.BatchSize = int.Parse(Regex.Match(settings, @"BatchSize (\d+)").Groups[1].Value);
            var best = history.Where(h => h.ValidationLoss.HasValue).GroupBy(h => h.Member)
                .Select(g => g.OrderBy(h => h.ValidationLoss.Value).ThenBy(h => h.Epoch).First().Epoch).OrderBy(e => e).ToArray();
            // The linear candidate's own history is not kept: then the network's best epoch stands in.
            options.NumberOfEpochs = Math.Max(1, best.Length == 0 ? history.Max(h => h.Epoch) : best[best.Length / 2]);
            options.ValidationFraction = 0;
            options.EarlyStoppingPatience = 0;
        }
    }
}
