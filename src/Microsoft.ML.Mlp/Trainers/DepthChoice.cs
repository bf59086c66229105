using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// When the rule chose the hidden layers and rows are held out, the fit also trains the same recipe with no hidden layer
    /// (a linear model: cheap beside the network) and keeps whichever reaches the lower held-out loss. On small, noisy, nearly
    /// linear data (the tabular suite's health, cps1985, doctorvisits, psid1976) the linear model wins by 0.03–0.19; where
    /// the network is better it keeps it. The choice is logged and kept in the model's training settings.
    /// </summary>
    internal static class DepthChoice
    {
        /// <summary>Only a single network whose depth the rule chose, with held-out rows (one share for all, or each averaged
        /// network's own) or validation data to judge by.</summary>
        public static bool Applies(MlpRecipe recipe, int[] seeds, ITrainedNetwork initial, IRowSource validation, HeldOutShares shares) =>
            recipe.Chosen.Contains(nameof(MlpOptionsBase.HiddenLayerSizes)) && recipe.HiddenLayerSizes.Length > 0
            && seeds.Length == 1 && initial == null && (validation != null || shares != null);

        /// <summary>Trains the linear candidate beside <paramref name="network"/> and returns the better, with its recipe. With
        /// <paramref name="shares"/>, each averaged network's own held-out rows judge it: one linear model per share (so both
        /// are judged on the same rows), the mean of their best held-out losses compared, and the linear models averaged.</summary>
        public static (TrainingResult Result, MlpRecipe Recipe) Choose(IHost host, IChannel channel, MlpTask task, MlpOptionsBase options, MlpRecipe recipe,
            int[] seeds, IRowSource train, IRowSource validation, HeldOutShares shares, NetworkArchitecture architecture, LabelScale scale, TrainingResult network)
        {
            // One linear model (averaging linear models gives a linear model, so more would only cost time) — or one per
            // share, so that each is judged on the same rows as the network that held them out.
            int linearModels = shares == null ? 1 : recipe.EnsembleSize;
            var linearRecipe = recipe with { HiddenLayerSizes = Array.Empty<int>(), EnsembleSize = linearModels };
            var linearArchitecture = architecture with { HiddenLayerSizes = Array.Empty<int>() };
            var linearSeeds = Enumerable.Range(0, linearModels).Select(j => unchecked(seeds[0] + j * MlpFit.MemberSeedStride)).ToArray();
            var settings = TrainingSettingsBuilder.Build(host, channel, task, options, linearRecipe, linearSeeds, validation, null, linearArchitecture, scale,
                "linear candidate", shares);
            var linear = NetworkTrainer.Train(linearArchitecture, settings, train);
            // Averaged networks on one share have no history of their own: their mean output is scored on the held-out rows once.
            // On shares of their own each row is held out by one network only, so each network is judged alone (its best
            // epoch's loss), the linear models the same way, and the means compared.
            double networkLoss = shares == null && recipe.EnsembleSize > 1 ? settings.Objective.Evaluate(network.Members[0], validation).Loss
                : BestValidationLoss(network.Histories[0]);
            double linearLoss = BestValidationLoss(linear.Histories.SelectMany(h => h).ToList());
            string layers = "{" + string.Join(", ", recipe.HiddenLayerSizes) + "}" + (recipe.EnsembleSize > 1 ? $" × {recipe.EnsembleSize} averaged" : "");
            channel.Info("{0}: held-out loss {1:G5} with hidden layers {2}, {3:G5} without.", task.MlpTrainerName, networkLoss, layers, linearLoss);
            if (!(linearLoss < networkLoss))
                return (network, recipe with { Note = $"a linear model was tried: held-out loss {linearLoss:G4} against {networkLoss:G4}" });
            var averaged = new TrainingResult(new[] { NetworkAverage.Of(linear.Members) }, new[] { linear.Histories.SelectMany(h => h).OrderBy(h => h.Epoch).ThenBy(h => h.Member).ToList() });
            return (averaged, linearRecipe with { Note = $"linear: held-out loss {linearLoss:G4} against {networkLoss:G4} with hidden layers {layers}" });
        }

        /// <summary>The best held-out loss of each network in <paramref name="history"/> (entries name their network), averaged.</summary>
        private static double BestValidationLoss(List<MlpEpochMetrics> history) =>
            history.GroupBy(h => h.Member)
                .Select(g => g.Where(h => h.ValidationLoss.HasValue).Select(h => h.ValidationLoss.Value).DefaultIfEmpty(double.PositiveInfinity).Min())
                .DefaultIfEmpty(double.PositiveInfinity).Average();
    }
}
