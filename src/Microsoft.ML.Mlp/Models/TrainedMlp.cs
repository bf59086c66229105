using System.Collections.Generic;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Models
{
    /// <summary>
    /// What every task's MLP model holds besides its head, as a fit produces it and the MLP payload stores it
    /// (<see cref="MlpFormat"/>).
    /// </summary>
    /// <param name="Network">The trained weights and architecture.</param>
    /// <param name="History">Per-epoch metrics.</param>
    /// <param name="Scaler">The feature preprocessing before the first layer, or null for none (every model saved before format 4).</param>
    /// <param name="TrainingSettings">The values the fit trained with (<see cref="MlpRecipe.Describe"/>); empty before format 4.</param>
    /// <param name="FeatureMeans">Per feature, the mean of the training rows as read (before scaling): integrated gradients'
    /// default baseline. Null for a model first saved before format 4.</param>
    internal sealed record TrainedMlp(NetworkWeights Network, List<MlpEpochMetrics> History, FeatureScaler Scaler, string TrainingSettings,
        float[] FeatureMeans = null);
}
