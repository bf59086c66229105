using System;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>What one training epoch of one network achieved. A list of these is the model's training history.</summary>
    public sealed class MlpEpochMetrics
    {
        /// <summary>0-based index of the network the epoch trained: 0 for a single network; with <c>EnsembleSize</c> k, the
        /// network within the model (0 … k − 1); within a SoftVotingEnsemble of MLP copies, the member (times k plus the
        /// network within it when the copies average k networks each). <c>EpochCallback</c> is called once per network and epoch.</summary>
        public int Member { get; init; }

        /// <summary>1-based epoch number (continues across warm starts).</summary>
        public int Epoch { get; init; }

        /// <summary>Mean example-weighted cross-entropy over the epoch's mini-batches (training mode: dropout on).</summary>
        public double TrainingLoss { get; init; }

        /// <summary>Fraction of training rows whose argmax was right during the epoch (training mode).</summary>
        public double TrainingAccuracy { get; init; }

        /// <summary>Cross-entropy over the whole validation set after the epoch (inference mode, not weighted by example or
        /// class weights); null without validation data.</summary>
        public double? ValidationLoss { get; init; }

        /// <summary>Accuracy over the whole validation set after the epoch; null without validation data.</summary>
        public double? ValidationAccuracy { get; init; }

        /// <summary>Binary classification: area under the ROC curve over the whole validation set after the epoch; null without
        /// validation data, for other tasks, or when the validation rows hold one class only.</summary>
        public double? ValidationAuc { get; init; }

        /// <summary>Regression: root mean squared error over the whole validation set after the epoch, in label units; null without
        /// validation data or for classification.</summary>
        public double? ValidationRmse { get; init; }

        /// <summary>Regression: R² over the whole validation set after the epoch; null without validation data or for classification.</summary>
        public double? ValidationRSquared { get; init; }

        /// <summary>Learning rate used during the epoch.</summary>
        public double LearningRate { get; init; }

        /// <summary>Wall time of this epoch.</summary>
        public TimeSpan Duration { get; init; }

        /// <summary>Wall time since the fit started, at the end of this epoch.</summary>
        public TimeSpan Elapsed { get; init; }

        /// <inheritdoc/>
        public override string ToString() =>
            $"epoch {Epoch}: loss {TrainingLoss:F4}, accuracy {TrainingAccuracy:P2}"
            + (ValidationLoss is double vl ? $", validation loss {vl:F4}, validation accuracy {ValidationAccuracy:P2}" : "")
            + (ValidationAuc is double auc ? $", validation AUC {auc:F4}" : "")
            + $", lr {LearningRate:G4}, {Duration.TotalSeconds:F2} s";

        /// <summary>The log line of a regression epoch: its losses (on the standardised label) and no accuracy, which regression has not.</summary>
        internal string RegressionSummary() =>
            $"epoch {Epoch}: loss {TrainingLoss:F4}" + (ValidationLoss is double vl ? $", validation loss {vl:F4}" : "")
            + (ValidationRmse is double rmse ? $", validation RMSE {rmse:G5}, R² {ValidationRSquared:F4}" : "")
            + $", lr {LearningRate:G4}, {Duration.TotalSeconds:F2} s";
    }
}
