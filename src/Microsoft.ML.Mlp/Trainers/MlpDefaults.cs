namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>The Keras reference recipe's values (<see cref="MlpPreset.KerasReference"/>), in one place.</summary>
    internal static class MlpDefaults
    {
        /// <summary>Sets every option the data-aware rule would otherwise choose to the Keras MNIST tutorial's value.</summary>
        public static void ApplyKerasReference(MlpOptionsBase options)
        {
            options.HiddenLayerSizes = new[] { 50, 50, 50, 50 };
            options.Activation = MlpActivation.Relu;
            options.WeightInitialization = MlpWeightInitialization.HeNormal;
            options.UseBatchNormalization = true;
            options.DropoutRate = 0.2f;
            options.Optimizer = MlpOptimizer.Adam;
            options.LearningRate = 0.001f;
            options.WeightDecay = 0f;
            options.BatchSize = 32;
            options.NumberOfEpochs = 10;
            options.LabelSmoothing = 0f;
            options.ValidationFraction = 0f;
            options.EarlyStoppingPatience = 0;
            options.LearningRateSchedule = MlpLearningRateSchedule.Constant;
            options.FeatureScaling = MlpFeatureScaling.None;
            options.NumericEmbedding = MlpNumericEmbedding.None;
            options.EnsembleSize = 1;
            options.RotateHeldOutRows = false;
        }
    }
}
