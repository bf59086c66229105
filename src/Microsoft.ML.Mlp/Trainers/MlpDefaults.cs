namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// The defaults of every Mlp trainer, in one place: <see cref="MlpOptionsBase"/> and the catalog's simple overloads both
    /// read them. They reproduce the Keras reference recipe's blocks (784→50→50→50→50, Adam 1e-3, batch 32).
    /// </summary>
    internal static class MlpDefaults
    {
        /// <summary>Rows per mini-batch: 32, Keras' default.</summary>
        public const int BatchSize = 32;

        /// <summary>Passes over the training data: 10.</summary>
        public const int NumberOfEpochs = 10;

        /// <summary>Adam's usual learning rate: 0.001.</summary>
        public const float LearningRate = 0.001f;

        /// <summary>Width of each hidden layer: {50, 50, 50, 50} (a new array on every call, so no caller can change the default).</summary>
        public static int[] HiddenLayerSizes() => new[] { 50, 50, 50, 50 };
    }
}
