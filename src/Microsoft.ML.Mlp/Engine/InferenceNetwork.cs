using System;
using System.Numerics.Tensors;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Scoring in managed code: batch normalization folded into the Linear layers, dropout gone,
    /// SIMD dot products (TensorPrimitives). A row costs no native call and no tensor, so a
    /// PredictionEngine row is a few microseconds, scoring is thread-safe and results are bit-identical
    /// on every load of the same weights.
    /// </summary>
    internal sealed class InferenceNetwork
    {
        private readonly float[][] _weights; // [out, in] row-major per layer, batch norm folded in
        private readonly float[][] _biases;
        private readonly int[] _inputs;
        private readonly int[] _outputs;
        private readonly MlpActivation _activation;
        private readonly int _widest;

        public InferenceNetwork(NetworkWeights network)
        {
            var arch = network.Architecture;
            int layers = arch.LayerCount;
            _weights = new float[layers][];
            _biases = new float[layers][];
            _inputs = new int[layers];
            _outputs = new int[layers];
            _activation = arch.Activation;
            for (int l = 0; l < layers; l++)
            {
                var layer = network.Layers[l];
                int fanIn = arch.LayerInput(l), fanOut = arch.LayerOutput(l);
                _inputs[l] = fanIn;
                _outputs[l] = fanOut;
                _weights[l] = (float[])layer.Weight.Clone();
                _biases[l] = (float[])layer.Bias.Clone();
                if (layer.HasBatchNorm)
                {
                    // y = gamma * (Wx + b - mean) / sqrt(var + eps) + beta  =  (s·W)x + (s·(b - mean) + beta)
                    for (int o = 0; o < fanOut; o++)
                    {
                        float scale = layer.Gamma[o] / MathF.Sqrt(layer.RunningVariance[o] + NetworkArchitecture.BatchNormEpsilon);
                        TensorPrimitives.Multiply(_weights[l].AsSpan(o * fanIn, fanIn), scale, _weights[l].AsSpan(o * fanIn, fanIn));
                        _biases[l][o] = scale * (_biases[l][o] - layer.RunningMean[o]) + layer.Beta[o];
                    }
                }
                _widest = Math.Max(_widest, fanOut);
            }
        }

        public int InputSize => _inputs[0];

        public int ClassCount => _outputs[^1];

        [ThreadStatic]
        private static float[] t_scratch;

        /// <summary>Class probabilities of one row. Thread-safe (scratch memory is per thread).</summary>
        public void Predict(ReadOnlySpan<float> features, Span<float> probabilities)
        {
            if (t_scratch == null || t_scratch.Length < _widest * 2)
                t_scratch = new float[Math.Max(_widest * 2, 256)];
            float[] scratch = t_scratch;
            ReadOnlySpan<float> input = features;
            int last = _weights.Length - 1;
            for (int l = 0; l <= last; l++)
            {
                int fanIn = _inputs[l], fanOut = _outputs[l];
                Span<float> output = l == last ? probabilities : scratch.AsSpan(l % 2 == 0 ? 0 : _widest, fanOut);
                float[] w = _weights[l];
                float[] bias = _biases[l];
                for (int o = 0; o < fanOut; o++)
                    output[o] = TensorPrimitives.Dot(w.AsSpan(o * fanIn, fanIn), input) + bias[o];
                if (l < last)
                {
                    Activations.Apply(_activation, output);
                    input = output;
                }
            }
            TensorPrimitives.SoftMax(probabilities, probabilities);
        }
    }
}
