using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>Per-epoch learning rates; see <see cref="MlpLearningRateSchedule"/> for the formulas.</summary>
    internal sealed class LearningRateSchedule
    {
        /// <summary>torch OneCycleLR defaults.</summary>
        private const double OneCycleWarmupFraction = 0.3, OneCycleDivFactor = 25, OneCycleFinalDivFactor = 1e4;

        private readonly MlpLearningRateSchedule _kind;
        private readonly double _baseRate, _decay, _minimum;
        private readonly int _stepSize, _epochs, _plateauPatience;
        private double _plateauRate;
        private double _plateauBest = double.PositiveInfinity;
        private int _plateauWait;

        public LearningRateSchedule(MlpLearningRateSchedule kind, double baseRate, int epochs, double decay = 0.1, int stepSize = 10,
            double minimum = 0, int plateauPatience = 3)
        {
            _kind = kind;
            _baseRate = baseRate;
            _epochs = epochs;
            _decay = decay;
            _stepSize = Math.Max(1, stepSize);
            _minimum = minimum;
            _plateauPatience = Math.Max(1, plateauPatience);
            _plateauRate = baseRate;
        }

        /// <summary>The schedule <paramref name="settings"/> ask for.</summary>
        public static LearningRateSchedule From(TrainingSettings settings) =>
            new(settings.Schedule, settings.LearningRate, settings.Epochs, settings.LearningRateDecay, settings.LearningRateStepSize,
                settings.MinimumLearningRate, settings.ReduceOnPlateauPatience);

        /// <summary>Learning rate of 0-based epoch <paramref name="epoch"/>.</summary>
        public double For(int epoch) => _kind switch
        {
            MlpLearningRateSchedule.Constant => _baseRate,
            MlpLearningRateSchedule.StepDecay => _baseRate * Math.Pow(_decay, epoch / _stepSize),
            MlpLearningRateSchedule.ExponentialDecay => _baseRate * Math.Pow(_decay, epoch),
            MlpLearningRateSchedule.CosineAnnealing => _minimum + (_baseRate - _minimum) * (1 + Math.Cos(Math.PI * epoch / _epochs)) / 2,
            MlpLearningRateSchedule.OneCycle => OneCycle(epoch),
            MlpLearningRateSchedule.ReduceOnPlateau => _plateauRate,
            _ => throw new ArgumentOutOfRangeException(nameof(_kind), _kind, "Unknown schedule."),
        };

        private double OneCycle(int epoch)
        {
            if (_epochs == 1)
                return _baseRate;
            double start = _baseRate / OneCycleDivFactor, end = start / OneCycleFinalDivFactor;
            int warmup = Math.Max(1, (int)Math.Round(OneCycleWarmupFraction * _epochs));
            if (epoch < warmup)
                return start + (_baseRate - start) * (1 - Math.Cos(Math.PI * epoch / warmup)) / 2;
            double t = _epochs - 1 > warmup ? (double)(epoch - warmup) / (_epochs - 1 - warmup) : 1;
            return _baseRate + (end - _baseRate) * (1 - Math.Cos(Math.PI * t)) / 2;
        }

        /// <summary>Feeds the epoch's monitored value (lower is better) to ReduceOnPlateau.</summary>
        public void Observe(double lowerIsBetter, double minDelta)
        {
            if (_kind != MlpLearningRateSchedule.ReduceOnPlateau)
                return;
            if (lowerIsBetter < _plateauBest - minDelta)
            {
                _plateauBest = lowerIsBetter;
                _plateauWait = 0;
            }
            else if (++_plateauWait >= _plateauPatience)
            {
                _plateauRate = Math.Max(_minimum, _plateauRate * _decay);
                _plateauWait = 0;
            }
        }
    }
}
