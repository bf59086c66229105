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

        /// <summary>Weights (floats) from which an initial kernel is allocated on the pinned heap (16 MB).</summary>
        private const long WideKernel = 4L << 20;

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
                    // Stored [out, in]: one native transposing copy into the managed array. A wide kernel goes on the pinned heap:
                    // these weights are dropped once the training network has copied them, and the GC gives a freed pinned-heap
                    // array back to the system at once, where a freed large-object-heap one stayed resident (measured: 768 MiB
                    // for a text model's first layer, all through training).
                    var weight = (long)fanOut * fanIn >= WideKernel ? GC.AllocateArray<float>(fanOut * fanIn, pinned: true) : new float[fanOut * fanIn];
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
            // of a text model would otherwise cost a full draw per round. The kernel is masked a chunk at a time: whole-kernel
            // masks, their positions and masked_scatter_'s running count were gigabytes beside a text model's first layer.
            double sd = Math.Sqrt(variance) / TruncatedNormalCorrection;
            using var scope = NewDisposeScope();
            kernel.normal_(0, sd, generator);
            // Explicit Scalars kept alive by 'using': TorchSharp's implicit double → Scalar can be finalized mid-call.
            using var limit = TorchSharp.ScalarExtensionMethods.ToScalar(2 * sd);
            using var negativeLimit = TorchSharp.ScalarExtensionMethods.ToScalar(-2 * sd);
            using var flat = kernel.view(-1);
            long count = 0;
            foreach (var (start, length) in Chunks(flat.shape[0]))
                using (NewDisposeScope())
                    count += Outside(flat.narrow(0, start, length), limit, negativeLimit).sum().item<long>();
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
            // The redrawn values go to the places outside in order, as one masked_scatter_ over the whole kernel would put them.
            long used = 0;
            foreach (var (start, length) in Chunks(flat.shape[0]))
                using (NewDisposeScope())
                {
                    var part = flat.narrow(0, start, length);
                    var positions = Outside(part, limit, negativeLimit).nonzero().squeeze(1);
                    long taken = positions.shape[0];
                    if (taken > 0)
                        part.index_put_(redraw.narrow(0, used, taken), positions);
                    used += taken;
                }
        }

        /// <summary>Where |x| &gt; limit, as two comparisons (no float copy of x).</summary>
        private static Tensor Outside(Tensor values, TorchSharp.Scalar limit, TorchSharp.Scalar negativeLimit) =>
            values.gt(limit).logical_or_(values.lt(negativeLimit));

        /// <summary>[start, length) pieces of 4M values covering <paramref name="total"/>.</summary>
        private static System.Collections.Generic.IEnumerable<(long Start, long Length)> Chunks(long total)
        {
            const long Chunk = 1L << 22;
            for (long start = 0; start < total; start += Chunk)
                yield return (start, Math.Min(Chunk, total - start));
        }

        private static void Uniform(Tensor kernel, double limitSquared, Generator generator)
        {
            double limit = Math.Sqrt(limitSquared);
            kernel.uniform_(-limit, limit, generator);
        }
    }
}
