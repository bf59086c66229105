namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>One Linear layer's trained values, plus its batch normalization when the layer has one.
    /// Weight is row-major [out, in], the layout scoring reads fastest.</summary>
    internal sealed class LayerWeights
    {
        public float[] Weight;
        public float[] Bias;
        public float[] Gamma;
        public float[] Beta;
        public float[] RunningMean;
        public float[] RunningVariance;

        public bool HasBatchNorm => Gamma != null;
    }

    /// <summary>A trained network as plain managed arrays: what is saved in the model zip (Models/MlpFormat.cs), what
    /// scoring uses, and what warm start loads back into torch. Holds no native memory.</summary>
    internal sealed class NetworkWeights
    {
        public NetworkWeights(NetworkArchitecture architecture, LayerWeights[] layers)
        {
            Architecture = architecture;
            Layers = layers;
        }

        public NetworkArchitecture Architecture { get; }

        public LayerWeights[] Layers { get; }
    }
}
