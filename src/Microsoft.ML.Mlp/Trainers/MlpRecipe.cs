using System.Collections.Generic;
using System.Globalization;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// The values one fit trains with: every option the data-aware rule may choose, resolved (<see cref="DataAwareDefaults"/>).
    /// The rest of the fit reads these instead of the nullable options.
    /// </summary>
    internal sealed record MlpRecipe
    {
        public int[] HiddenLayerSizes { get; init; }
        public MlpActivation Activation { get; init; }
        public MlpWeightInitialization WeightInitialization { get; init; }
        public bool UseBatchNormalization { get; init; }
        public float DropoutRate { get; init; }
        public MlpOptimizer Optimizer { get; init; }
        public float LearningRate { get; init; }
        public float WeightDecay { get; init; }
        public int BatchSize { get; init; }
        public int NumberOfEpochs { get; init; }
        public float LabelSmoothing { get; init; }
        public float ValidationFraction { get; init; }

        /// <summary>Null: no early stopping.</summary>
        public int? EarlyStoppingPatience { get; init; }

        public MlpLearningRateSchedule LearningRateSchedule { get; init; }
        public MlpFeatureScaling FeatureScaling { get; init; }
        public MlpNumericEmbedding NumericEmbedding { get; init; }
        public int NumericEmbeddingBins { get; init; } = DataAwareDefaults.EmbeddingBins;

        /// <summary>Networks trained side by side and averaged into the model (1: one network).</summary>
        public int EnsembleSize { get; init; } = 1;

        /// <summary>Averaged networks hold out rows of their own (<see cref="MlpOptionsBase.RotateHeldOutRows"/>).</summary>
        public bool RotateHeldOutRows { get; init; }

        /// <summary>The options the rule chose (left null by the user), by name.</summary>
        public ISet<string> Chosen { get; init; } = new HashSet<string>();

        /// <summary>Why the fit changed a chosen value after comparing candidates on the held-out rows, or null.</summary>
        public string Note { get; init; }

        /// <summary>One line naming every value, chosen ones marked with *: what Fit logs and the model keeps.</summary>
        public string Describe()
        {
            var c = CultureInfo.InvariantCulture;
            var parts = new List<string>
            {
                Part(nameof(HiddenLayerSizes), "{" + string.Join(", ", HiddenLayerSizes) + "}"),
                Part(nameof(Activation), Activation.ToString()),
                Part(nameof(WeightInitialization), WeightInitialization.ToString()),
                Part(nameof(UseBatchNormalization), UseBatchNormalization ? "true" : "false"),
                Part(nameof(DropoutRate), DropoutRate.ToString("G4", c)),
                Part(nameof(Optimizer), Optimizer.ToString()),
                Part(nameof(LearningRate), LearningRate.ToString("G4", c)),
                Part(nameof(WeightDecay), WeightDecay.ToString("G4", c)),
                Part(nameof(BatchSize), BatchSize.ToString(c)),
                Part(nameof(NumberOfEpochs), NumberOfEpochs.ToString(c)),
                Part(nameof(LearningRateSchedule), LearningRateSchedule.ToString()),
                Part(nameof(LabelSmoothing), LabelSmoothing.ToString("G4", c)),
                Part(nameof(ValidationFraction), ValidationFraction.ToString("G4", c)),
                Part(nameof(EarlyStoppingPatience), EarlyStoppingPatience?.ToString(c) ?? "off"),
                Part(nameof(FeatureScaling), FeatureScaling.ToString()),
                Part(nameof(NumericEmbedding), NumericEmbedding == MlpNumericEmbedding.None ? "None" : $"{NumericEmbedding} ({NumericEmbeddingBins.ToString(c)} bins)"),
                Part(nameof(EnsembleSize), EnsembleSize.ToString(c)),
                Part(nameof(RotateHeldOutRows), RotateHeldOutRows ? "true" : "false"),
            };
            return string.Join(", ", parts) + (Chosen.Count > 0 ? " (* chosen from the data)" : "") + (Note != null ? "; " + Note : "");
        }

        private string Part(string name, string value) => $"{name} {value}{(Chosen.Contains(name) ? "*" : "")}";
    }
}
