using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>The shape of one MLP: input → hidden blocks (Linear → [BatchNorm] → activation → [Dropout]) → output layer (class logits, or a regression value).</summary>
    internal sealed record NetworkArchitecture(
        int InputSize,
        int[] HiddenLayerSizes,
        int OutputSize,
        MlpActivation Activation,
        bool UseBatchNormalization,
        float DropoutRate)
    {
        /// <summary>Keras BatchNormalization epsilon (torch's default is 1e-5).</summary>
        public const float BatchNormEpsilon = 1e-3f;

        /// <summary>Keras momentum 0.99 = weight 0.01 on the new batch statistic.</summary>
        public const float BatchNormUpdateRate = 0.01f;

        /// <summary>Number of Linear layers, the output layer included.</summary>
        public int LayerCount => HiddenLayerSizes.Length + 1;

        /// <summary>Input width of Linear layer <paramref name="layer"/>.</summary>
        public int LayerInput(int layer) => layer == 0 ? InputSize : HiddenLayerSizes[layer - 1];

        /// <summary>Output width of Linear layer <paramref name="layer"/>.</summary>
        public int LayerOutput(int layer) => layer < HiddenLayerSizes.Length ? HiddenLayerSizes[layer] : OutputSize;

        /// <summary>Weights of all layers (biases and batch-norm values aside, which are small): what one network's copy costs.</summary>
        public long ParameterCount
        {
            get
            {
                long count = 0;
                for (int l = 0; l < LayerCount; l++)
                    count += (long)LayerInput(l) * LayerOutput(l);
                return count;
            }
        }

        /// <summary>True when the two describe the same layers (warm start needs this).</summary>
        public bool SameShape(NetworkArchitecture other) =>
            other != null && InputSize == other.InputSize && OutputSize == other.OutputSize
            && UseBatchNormalization == other.UseBatchNormalization && Activation == other.Activation
            && HiddenLayerSizes.AsSpan().SequenceEqual(other.HiddenLayerSizes);

        /// <summary>Shape as text, e.g. 784→50→50→10.</summary>
        public string Describe() => InputSize + "→"
            + string.Join("→", HiddenLayerSizes) + (HiddenLayerSizes.Length > 0 ? "→" : "") + OutputSize;
    }
}
