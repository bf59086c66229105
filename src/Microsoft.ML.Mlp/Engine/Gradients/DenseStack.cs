using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// A network as gradients need it, immutable and shared by every <see cref="DenseStackFunction"/> over it: each Linear layer's
    /// weight row-major [in, out] (batch norm folded in, as scoring folds it) and its transpose [out, in], both in 64-byte-aligned
    /// memory, for the products forward (x · W) and backward (δ · Wᵀ) — each then reads its matrix row by row — its bias, the
    /// hidden activation, and the feature scaler in front (or none).
    /// An affine model y = x · W + b (an ML.NET linear model) is a stack of one layer.
    /// </summary>
    internal sealed class DenseStack
    {
        private DenseStack(AlignedBuffer[] weights, float[][] biases, int[] inputs, int[] outputs, ActivationFunction activation, FeatureScaler scaler)
        {
            Weights = weights;
            Transposed = new AlignedBuffer[weights.Length];
            for (int l = 0; l < weights.Length; l++)
            {
                Transposed[l] = new AlignedBuffer(inputs[l] * outputs[l]);
                Transpose.Copy(weights[l].AsSpan(), inputs[l], outputs[l], Transposed[l].AsSpan(), inputs[l]);
            }
            Biases = biases;
            Inputs = inputs;
            Outputs = outputs;
            Activation = activation;
            Scaler = scaler;
        }

        /// <summary>Layer l's weight, [Inputs[l], Outputs[l]] row-major.</summary>
        public AlignedBuffer[] Weights { get; }

        /// <summary>Layer l's weight transposed, [Outputs[l], Inputs[l]] row-major: the backward product's matrix.</summary>
        public AlignedBuffer[] Transposed { get; }

        public float[][] Biases { get; }

        public int[] Inputs { get; }

        public int[] Outputs { get; }

        /// <summary>After every layer but the last.</summary>
        public ActivationFunction Activation { get; }

        /// <summary>The feature preprocessing before layer 0, or null.</summary>
        public FeatureScaler Scaler { get; }

        public int LayerCount => Weights.Length;

        public int InputSize => Inputs[0];

        public int OutputSize => Outputs[^1];

        /// <summary>The network scoring uses: its folded layers (the very weights and biases it multiplies with) and scaler.</summary>
        public static DenseStack Of(InferenceNetwork network)
        {
            int layers = network.LayerCount;
            var weights = new AlignedBuffer[layers];
            var biases = new float[layers][];
            var inputs = new int[layers];
            var outputs = new int[layers];
            for (int l = 0; l < layers; l++)
            {
                var (weight, bias) = network.FoldedLayer(l);
                outputs[l] = bias.Length;
                inputs[l] = weight.Length / bias.Length;
                weights[l] = Aligned(weight);
                biases[l] = bias;
            }
            return new DenseStack(weights, biases, inputs, outputs, ActivationFunction.For(network.Activation), network.Scaler);
        }

        /// <summary>The affine map y = x · W + b for <paramref name="weight"/> row-major [inputs, outputs].</summary>
        public static DenseStack Affine(float[] weight, float[] bias, int inputs)
        {
            if (bias.Length == 0 || weight.Length != (long)inputs * bias.Length)
                throw new ArgumentException("The weight must be [inputs, outputs] for outputs = the bias length.");
            return new DenseStack(new[] { Aligned(weight) }, new[] { bias }, new[] { inputs }, new[] { bias.Length },
                ActivationFunction.For(MlpActivation.Relu), scaler: null); // one layer: no activation is ever applied
        }

        private static AlignedBuffer Aligned(float[] values)
        {
            var buffer = new AlignedBuffer(values.Length);
            values.CopyTo(buffer.AsSpan());
            return buffer;
        }
    }
}
