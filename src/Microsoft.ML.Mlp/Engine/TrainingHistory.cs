using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Each member's training history, one <see cref="MlpEpochMetrics"/> per epoch, each handed to the run's callback as
    /// soon as it is recorded (progress logs, user callbacks). Times the epochs and the run.
    /// </summary>
    internal sealed class TrainingHistory
    {
        private readonly Action<int, MlpEpochMetrics> _onEpoch;
        private readonly Stopwatch _run = Stopwatch.StartNew();
        private readonly Stopwatch _epoch = new();

        /// <param name="members">Members in the run.</param>
        /// <param name="onEpoch">Called with the member index and its metrics after each recorded epoch; may be null.</param>
        public TrainingHistory(int members, Action<int, MlpEpochMetrics> onEpoch)
        {
            Members = Enumerable.Range(0, members).Select(_ => new List<MlpEpochMetrics>()).ToArray();
            _onEpoch = onEpoch;
        }

        /// <summary>Member m's epochs at index m, in order.</summary>
        public List<MlpEpochMetrics>[] Members { get; }

        /// <summary>Starts timing an epoch.</summary>
        public void StartEpoch() => _epoch.Restart();

        /// <summary>Records one member's epoch and hands it to the callback.</summary>
        /// <param name="member">The member.</param>
        /// <param name="epoch">1-based epoch number (continues across warm starts).</param>
        /// <param name="pass">The epoch's training figures.</param>
        /// <param name="validation">The member's figures on the validation rows, or null without validation.</param>
        /// <param name="learningRate">The epoch's rate.</param>
        public MlpEpochMetrics Record(int member, int epoch, EpochTotals pass, ValidationResult? validation, double learningRate)
        {
            var metrics = new MlpEpochMetrics
            {
                Member = member,
                Epoch = epoch,
                TrainingLoss = pass.Loss[member],
                TrainingAccuracy = pass.Accuracy[member],
                ValidationLoss = validation?.Loss,
                ValidationAccuracy = validation?.Accuracy,
                ValidationAuc = validation?.Auc,
                ValidationRmse = validation?.Rmse,
                ValidationRSquared = validation?.RSquared,
                LearningRate = learningRate,
                Duration = _epoch.Elapsed,
                Elapsed = _run.Elapsed,
            };
            Members[member].Add(metrics);
            _onEpoch?.Invoke(member, metrics);
            return metrics;
        }
    }
}
