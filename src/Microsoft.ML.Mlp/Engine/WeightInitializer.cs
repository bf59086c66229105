using System;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>Keras initialisers on a [fan_in, fan_out] kernel with an explicit generator, so each member is reproducible alone.
    /// Only Tensor.normal_/uniform_ are used: in TorchSharp 0.107.0 nn.init.trunc_normal_ is wrong and nn.init.uniform_
    /// did not honour the generator (both seen here).</summary>
    internal static class WeightInitializer
    {
        /// <summary>Keras divides a truncated normal's sd by this so the truncated (±2 sd) distribution keeps the target variance.</summary>
        private const double TruncatedNormalCorrection = 0.87962566103423978;

        /// <summary>
        /// Fresh members as managed arrays: hidden kernels by <paramref name="kind"/>, the output kernel Glorot uniform (Keras'
        /// Dense default), biases and β zero, γ and running variance one. Member i draws from its own generator, layer by layer.
        /// </summary>
        public static NetworkWeights[] Initialize(NetworkArchitecture architecture, MlpWeightInitialization kind, Generator[] generators)
        {
            var members = new NetworkWeights[generators.Length];
            for (int m = 0; m < members.Length; m++)
            {
                var layers = new LayerWeights[architecture.LayerCount];
                for (int l = 0; l < layers.Length; l++)
                {
                    int fanIn = architecture.LayerInput(l), fanOut = architecture.LayerOutput(l);
                    bool hidden = l < architecture.HiddenLayerSizes.Length;
                    using var scope = NewDisposeScope();
                    var kernel = empty(fanIn, fanOut);
                    Fill(kernel, hidden ? kind : MlpWeightInitialization.GlorotUniform, generators[m]);
                    var weight = new float[fanOut * fanIn]; // stored [out, in]: one native transposing copy into the managed array
                    using (var stored = from_array(weight).view(fanOut, fanIn))
                        stored.copy_(kernel.t());
                    layers[l] = new LayerWeights { Weight = weight, Bias = new float[fanOut] };
                    if (hidden && architecture.UseBatchNormalization)
                    {
                        layers[l].Gamma = Ones(fanOut);
                        layers[l].Beta = new float[fanOut];
                        layers[l].RunningMean = new float[fanOut];
                        layers[l].RunningVariance = Ones(fanOut);
                    }
                }
                members[m] = new NetworkWeights(architecture, layers);
            }
            return members;
        }

        private static float[] Ones(int length)
        {
            var values = new float[length];
            Array.Fill(values, 1f);
            return values;
        }

        public static void Fill(Tensor kernel, MlpWeightInitialization kind, Generator generator)
        {
            long fanIn = kernel.shape[0], fanOut = kernel.shape[1];
            switch (kind)
            {
                case MlpWeightInitialization.HeNormal:
                    TruncatedNormal(kernel, 2.0 / fanIn, generator);
                    break;
                case MlpWeightInitialization.GlorotNormal:
                    TruncatedNormal(kernel, 2.0 / (fanIn + fanOut), generator);
                    break;
                case MlpWeightInitialization.LecunNormal:
                    TruncatedNormal(kernel, 1.0 / fanIn, generator);
                    break;
                case MlpWeightInitialization.HeUniform:
                    Uniform(kernel, 6.0 / fanIn, generator);
                    break;
                case MlpWeightInitialization.GlorotUniform:
                    Uniform(kernel, 6.0 / (fanIn + fanOut), generator);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown weight initialization.");
            }
        }

        private static void TruncatedNormal(Tensor kernel, double variance, Generator generator)
        {
            // TorchSharp 0.107.0's nn.init.trunc_normal_ fills every value with mean + sd (seen here), so we
            // redraw values beyond ±2 sd until none remain (Keras' truncation), with the member's own generator.
            // Only the ~4.6% outside are redrawn (then the few of those outside again): a 14 M-weight first layer
            // of a text model would otherwise cost a full draw per round.
            double sd = Math.Sqrt(variance) / TruncatedNormalCorrection;
            using var scope = NewDisposeScope();
            kernel.normal_(0, sd, generator);
            // An explicit Scalar kept alive by 'using': TorchSharp's implicit double → Scalar can be finalized mid-call.
            using var limit = TorchSharp.ScalarExtensionMethods.ToScalar(2 * sd);
            var outside = kernel.abs().gt(limit);
            long count = outside.sum().item<long>();
            if (count == 0)
                return;
            var redraw = empty(count).normal_(0, sd, generator);
            while (true)
            {
                var again = redraw.abs().gt(limit);
                long remaining = again.sum().item<long>();
                if (remaining == 0)
                    break;
                redraw.masked_scatter_(again, empty(remaining).normal_(0, sd, generator));
            }
            kernel.masked_scatter_(outside, redraw);
        }

        private static void Uniform(Tensor kernel, double limitSquared, Generator generator)
        {
            double limit = Math.Sqrt(limitSquared);
            kernel.uniform_(-limit, limit, generator);
        }
    }
}
