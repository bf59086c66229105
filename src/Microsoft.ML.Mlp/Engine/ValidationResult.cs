using System;
using System.Collections.Generic;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>One network's figures on the validation data after an epoch; the task decides which are present.</summary>
    /// <param name="Loss">The training loss over the validation rows (cross-entropy, or the regression loss on the standardised label).</param>
    /// <param name="Accuracy">Classification accuracy; 0 for regression.</param>
    /// <param name="Auc">Two-class networks: area under the ROC curve of class 1; otherwise null.</param>
    /// <param name="Rmse">Regression: root mean squared error in label units; otherwise null.</param>
    /// <param name="RSquared">Regression: coefficient of determination; otherwise null.</param>
    internal readonly record struct ValidationResult(double Loss, double Accuracy, double? Auc, double? Rmse, double? RSquared)
    {
        /// <summary>The value early stopping and ReduceOnPlateau minimise for <paramref name="metric"/> (higher-is-better metrics negated).</summary>
        public double Monitored(MlpEarlyStoppingMetric metric) => metric switch
        {
            MlpEarlyStoppingMetric.ValidationAccuracy => -Accuracy,
            // AUC is undefined on one-class validation rows: monitoring NaN would stop after the patience and keep epoch 1's weights.
            MlpEarlyStoppingMetric.ValidationAuc => Auc is double auc ? -auc
                : throw new InvalidOperationException(
                    "EarlyStoppingMetric is ValidationAuc, but the validation rows hold only one class, so their AUC is undefined. "
                    + "Give validation data with both labels (a stratified ValidationFraction keeps both), or use ValidationLoss or ValidationAccuracy."),
            MlpEarlyStoppingMetric.ValidationRmse => Rmse ?? double.NaN,
            // R² is undefined (NaN) when the validation labels do not vary: the same trap as a one-class AUC.
            MlpEarlyStoppingMetric.ValidationRSquared => RSquared is double r2 && !double.IsNaN(r2) ? -r2
                : throw new InvalidOperationException(
                    "EarlyStoppingMetric is ValidationRSquared, but the validation labels do not vary, so their R² is undefined. "
                    + "Give validation data whose labels vary, or use ValidationRmse or ValidationLoss."),
            _ => Loss,
        };
    }

    /// <summary>Area under the ROC curve from (score, is positive) pairs: the Mann–Whitney statistic, ties counted as half.</summary>
    internal sealed class AreaUnderCurve
    {
        private readonly List<(float Score, bool Positive)> _rows = new();

        /// <summary>Adds one row.</summary>
        public void Add(float score, bool positive) => _rows.Add((score, positive));

        /// <summary>The AUC, or null when the rows hold only one class (it is undefined then).</summary>
        public double? Value()
        {
            _rows.Sort((a, b) => a.Score.CompareTo(b.Score));
            double positiveRankSum = 0;
            long positives = 0;
            for (int start = 0; start < _rows.Count;)
            {
                int end = start;
                int tiedPositives = 0;
                while (end < _rows.Count && _rows[end].Score.CompareTo(_rows[start].Score) == 0)
                    tiedPositives += _rows[end++].Positive ? 1 : 0;
                double averageRank = (start + 1 + end) / 2.0; // 1-based ranks start+1 … end
                positiveRankSum += tiedPositives * averageRank;
                positives += tiedPositives;
                start = end;
            }
            long negatives = _rows.Count - positives;
            if (positives == 0 || negatives == 0)
                return null;
            return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
        }
    }
}
