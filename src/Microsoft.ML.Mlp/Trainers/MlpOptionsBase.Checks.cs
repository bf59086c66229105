using System;

namespace Microsoft.ML.Trainers.Mlp
{
    // Every option checked in one place, up front, so that a bad value fails when the trainer is created, not inside libtorch.
    public abstract partial class MlpOptionsBase
    {
        /// <summary>Most networks one model averages (<see cref="EnsembleSize"/>).</summary>
        private const int MaximumEnsembleSize = 64;

        /// <summary>Most bins per feature of the piecewise-linear embedding (<see cref="NumericEmbeddingBins"/>).</summary>
        private const int MaximumEmbeddingBins = 64;

        /// <summary><paramref name="options"/>, checked (<see cref="Check"/>).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
        internal static TOptions Checked<TOptions>(TOptions options) where TOptions : MlpOptionsBase
        {
            if (options == null)
                throw new ArgumentNullException(nameof(options));
            options.Check();
            return options;
        }

        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range, its value and the fix.
        /// A task's options add their own checks by overriding.</summary>
        private protected virtual void Check()
        {
            CheckColumnsAndNetwork();
            CheckOptimisation();
            CheckTrainingControl();
        }

        /// <summary>Column names and the network: layers, dropout, activation, initialisation.</summary>
        private void CheckColumnsAndNetwork()
        {
            if (string.IsNullOrEmpty(FeatureColumnName))
                throw new ArgumentOutOfRangeException(nameof(FeatureColumnName), FeatureColumnName, "FeatureColumnName must name a column, e.g. \"Features\".");
            if (string.IsNullOrEmpty(LabelColumnName))
                throw new ArgumentOutOfRangeException(nameof(LabelColumnName), LabelColumnName, "LabelColumnName must name a column, e.g. \"Label\".");
            for (int i = 0; i < (HiddenLayerSizes?.Length ?? 0); i++)
                if (HiddenLayerSizes[i] < 1)
                    throw new ArgumentOutOfRangeException(nameof(HiddenLayerSizes), HiddenLayerSizes[i],
                        $"HiddenLayerSizes[{i}] is {HiddenLayerSizes[i]}; every hidden layer needs at least 1 unit (e.g. new[] {{ 50, 50 }}).");
            if (DropoutRate is float dropout && !(dropout >= 0 && dropout < 1))
                throw new ArgumentOutOfRangeException(nameof(DropoutRate), DropoutRate, "DropoutRate must be in [0, 1): 0 disables dropout, 0.2 is the reference recipe.");
            if (Activation is MlpActivation activation && !Enum.IsDefined(activation))
                throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "Unknown activation; use a value of MlpActivation.");
            if (WeightInitialization is MlpWeightInitialization initialization && !Enum.IsDefined(initialization))
                throw new ArgumentOutOfRangeException(nameof(WeightInitialization), WeightInitialization, "Unknown weight initialization; use a value of MlpWeightInitialization.");
        }

        /// <summary>Batches, epochs, the optimizer, the learning-rate schedule and clipping.</summary>
        private void CheckOptimisation()
        {
            if (BatchSize < 1)
                throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1 (32 is Keras' default).");
            if (NumberOfEpochs < 1)
                throw new ArgumentOutOfRangeException(nameof(NumberOfEpochs), NumberOfEpochs, "NumberOfEpochs must be at least 1.");
            if (LearningRate is float rate && (!(rate > 0) || float.IsInfinity(rate)))
                throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be a finite number > 0 (0.001 is Adam's usual value).");
            if (WeightDecay is float decayRate && (!(decayRate >= 0) || float.IsInfinity(decayRate)))
                throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "WeightDecay must be a finite number ≥ 0.");
            if (!(Momentum >= 0 && Momentum < 1))
                throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "Momentum must be in [0, 1) (0.9 is usual for SGD).");
            if (Nesterov && (Optimizer != MlpOptimizer.Sgd || Momentum <= 0))
                throw new ArgumentOutOfRangeException(nameof(Nesterov), Nesterov, "Nesterov needs Optimizer = Sgd and Momentum > 0.");
            if (Optimizer is MlpOptimizer optimizer && !Enum.IsDefined(optimizer))
                throw new ArgumentOutOfRangeException(nameof(Optimizer), Optimizer, "Unknown optimizer; use a value of MlpOptimizer.");
            if (GradientClipNorm is float clip && !(clip > 0 && !float.IsInfinity(clip)))
                throw new ArgumentOutOfRangeException(nameof(GradientClipNorm), clip, "GradientClipNorm must be a finite number > 0 (e.g. 1.0), or null for no clipping.");
            if (LearningRateSchedule is MlpLearningRateSchedule schedule && !Enum.IsDefined(schedule))
                throw new ArgumentOutOfRangeException(nameof(LearningRateSchedule), LearningRateSchedule, "Unknown schedule; use a value of MlpLearningRateSchedule.");
            if (LearningRateDecay is float decay && !(decay > 0 && decay <= 1))
                throw new ArgumentOutOfRangeException(nameof(LearningRateDecay), LearningRateDecay, "LearningRateDecay must be in (0, 1], e.g. 0.1 for StepDecay or 0.95 for ExponentialDecay.");
            if (LearningRateStepSize < 1)
                throw new ArgumentOutOfRangeException(nameof(LearningRateStepSize), LearningRateStepSize, "LearningRateStepSize must be at least 1 epoch.");
            if (!(MinimumLearningRate >= 0) || MinimumLearningRate > (LearningRate ?? float.PositiveInfinity))
                throw new ArgumentOutOfRangeException(nameof(MinimumLearningRate), MinimumLearningRate, "MinimumLearningRate must be in [0, LearningRate].");
            if (EnsembleSize is int members && !(members >= 1 && members <= MaximumEnsembleSize))
                throw new ArgumentOutOfRangeException(nameof(EnsembleSize), members,
                    $"EnsembleSize must be in [1, {MaximumEnsembleSize}]: 1 = one network, 4 averages four; null chooses from the data.");
            if (LabelSmoothing is float smoothing && !(smoothing >= 0 && smoothing < 1))
                throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), smoothing, "LabelSmoothing must be in [0, 1): 0 = none, 0.1 is usual.");
            if (ReduceOnPlateauPatience < 1)
                throw new ArgumentOutOfRangeException(nameof(ReduceOnPlateauPatience), ReduceOnPlateauPatience, "ReduceOnPlateauPatience must be at least 1 epoch.");
        }

        /// <summary>Threads, validation, early stopping, class weighting, memory and divergence.</summary>
        private void CheckTrainingControl()
        {
            if (NumberOfThreads is int threads && threads < 1)
                throw new ArgumentOutOfRangeException(nameof(NumberOfThreads), threads, "NumberOfThreads must be at least 1, or null for the measured default (1).");
            if (ValidationFraction is float fraction && !(fraction >= 0 && fraction < 1))
                throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction must be in [0, 1): 0 = no validation split, 0.1 holds out 10% of each class.");
            if (EarlyStoppingPatience is int patience && patience < 0)
                throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), patience, "EarlyStoppingPatience must be at least 1 epoch, or 0 to train every epoch (null: chosen from the data).");
            if (!(EarlyStoppingMinDelta >= 0) || float.IsInfinity(EarlyStoppingMinDelta))
                throw new ArgumentOutOfRangeException(nameof(EarlyStoppingMinDelta), EarlyStoppingMinDelta, "EarlyStoppingMinDelta must be a finite number ≥ 0.");
            if (!Enum.IsDefined(EarlyStoppingMetric))
                throw new ArgumentOutOfRangeException(nameof(EarlyStoppingMetric), EarlyStoppingMetric, "Unknown metric; use a value of MlpEarlyStoppingMetric.");
            if (!Enum.IsDefined(ClassWeighting))
                throw new ArgumentOutOfRangeException(nameof(ClassWeighting), ClassWeighting, "Unknown class weighting; use a value of MlpClassWeighting.");
            if (TrainingMemoryBudget is long budget && budget <= 0)
                throw new ArgumentOutOfRangeException(nameof(TrainingMemoryBudget), budget, "TrainingMemoryBudget must be a number of bytes > 0 (e.g. 1L << 30 for 1 GiB), or null for a quarter of the available memory.");
            if (FeatureScaling is MlpFeatureScaling scaling && !Enum.IsDefined(scaling))
                throw new ArgumentOutOfRangeException(nameof(FeatureScaling), scaling, "Unknown feature scaling; use a value of MlpFeatureScaling.");
            if (NumericEmbedding is MlpNumericEmbedding embedding && !Enum.IsDefined(embedding))
                throw new ArgumentOutOfRangeException(nameof(NumericEmbedding), embedding, "Unknown numeric embedding; use a value of MlpNumericEmbedding.");
            if (NumericEmbeddingBins is int bins && !(bins >= 2 && bins <= MaximumEmbeddingBins))
                throw new ArgumentOutOfRangeException(nameof(NumericEmbeddingBins), bins,
                    $"NumericEmbeddingBins must be in [2, {MaximumEmbeddingBins}] (8 is usual), or null for the default.");
            if (NumericEmbedding == MlpNumericEmbedding.PiecewiseLinear && FeatureScaling == MlpFeatureScaling.None)
                throw new ArgumentOutOfRangeException(nameof(NumericEmbedding), NumericEmbedding,
                    "NumericEmbedding PiecewiseLinear bins the robustly scaled features: set FeatureScaling to Robust (or leave it null), or NumericEmbedding to None.");
            if (!Enum.IsDefined(FeatureStorage))
                throw new ArgumentOutOfRangeException(nameof(FeatureStorage), FeatureStorage, "Unknown feature storage; use a value of MlpFeatureStorage.");
            if (RotateHeldOutRows == true && SharedBatchOrder)
                throw new ArgumentOutOfRangeException(nameof(RotateHeldOutRows), RotateHeldOutRows,
                    "RotateHeldOutRows gives each network rows of its own, which SharedBatchOrder's common batches cannot read: set one of them to false.");
            if (!Enum.IsDefined(DivergenceHandling))
                throw new ArgumentOutOfRangeException(nameof(DivergenceHandling), DivergenceHandling, "Unknown divergence handling; use a value of MlpDivergenceHandling.");
        }
    }
}
