using System.Collections.Generic;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Models
{
    /// <summary>A trained network a fit can continue from (warm start): every Mlp model is one.</summary>
    internal interface ITrainedNetwork
    {
        /// <summary>The weights and architecture.</summary>
        NetworkWeights Network { get; }

        /// <summary>The history the continued fit extends.</summary>
        IReadOnlyList<MlpEpochMetrics> TrainingHistory { get; }

        /// <summary>The label scale the network's output is in (identity for classification).</summary>
        LabelScale LabelScale { get; }

        /// <summary>The feature scaling the network was trained behind (null for none): a warm start keeps it.</summary>
        FeatureScaler FeatureScaler { get; }

        /// <summary>True once the model was disposed: warm start refuses it.</summary>
        bool IsDisposed { get; }
    }
}
