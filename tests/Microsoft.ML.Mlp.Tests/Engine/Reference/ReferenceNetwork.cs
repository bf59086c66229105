using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine.Reference
{
    /// <summary>
    /// N independent MLPs of one architecture trained as one network: every parameter is stacked on a leading
    /// member axis ([N, in, out] kernels) and each layer is one batched matmul. Members share no values: each
    /// has its own initialisation, batch-norm statistics (computed over its own batch) and dropout mask, and the
    /// optimizers used are element-wise, so without dropout member i learns exactly as if trained alone on its own batches
    /// (dropout masks come from one stream shared by all members, so with dropout a member's masks depend on N).
    /// N = 1 is the plain single model.
    /// </summary>
    internal sealed class ReferenceNetwork : IDisposable
    {
        private readonly Parameter[] _kernels;   // [N, in, out]
        private readonly Parameter[] _biases;    // [N, 1, out]
        private readonly Parameter[] _gammas;    // [N, 1, out] (hidden layers with batch norm)
        private readonly Parameter[] _betas;
        private readonly Tensor[] _runningMeans; // [N, 1, out], not trained
        private readonly Tensor[] _runningVariances;

        private ReferenceNetwork(NetworkArchitecture architecture, int memberCount)
        {
            Architecture = architecture;
            MemberCount = memberCount;
            int layers = architecture.LayerCount;
            _kernels = new Parameter[layers];
            _biases = new Parameter[layers];
            int normalized = architecture.UseBatchNormalization ? architecture.HiddenLayerSizes.Length : 0;
            _gammas = new Parameter[normalized];
            _betas = new Parameter[normalized];
            _runningMeans = new Tensor[normalized];
            _runningVariances = new Tensor[normalized];
        }

        public NetworkArchitecture Architecture { get; }

        public int MemberCount { get; }

        /// <summary>Trainable parameters in a fixed order.</summary>
        public IEnumerable<Parameter> Parameters => _kernels.Concat(_biases).Concat(_gammas).Concat(_betas);

        /// <summary>Members from managed weights (fresh ones from <see cref="WeightInitializer.Initialize"/>, or a warm start).</summary>
        public static ReferenceNetwork FromWeights(NetworkWeights[] members)
        {
            var architecture = members[0].Architecture;
            var network = new ReferenceNetwork(architecture, members.Length);
            for (int l = 0; l < architecture.LayerCount; l++)
            {
                long fanIn = architecture.LayerInput(l), fanOut = architecture.LayerOutput(l);
                // Saved kernels are [out, in]; training wants [in, out].
                using var saved = Stack(members, m => m.Layers[l].Weight, fanOut, fanIn);
                using var transposed = saved.transpose(1, 2);
                network._kernels[l] = Own(transposed.contiguous());
                network._biases[l] = Own(Stack(members, m => m.Layers[l].Bias, 1, fanOut));
            }
            for (int l = 0; l < network._gammas.Length; l++)
            {
                long width = architecture.HiddenLayerSizes[l];
                network._gammas[l] = Own(Stack(members, m => m.Layers[l].Gamma, 1, width));
                network._betas[l] = Own(Stack(members, m => m.Layers[l].Beta, 1, width));
                network._runningMeans[l] = Stack(members, m => m.Layers[l].RunningMean, 1, width);
                network._runningVariances[l] = Stack(members, m => m.Layers[l].RunningVariance, 1, width);
            }
            return network;
        }

        /// <summary>Trainable parameters in <see cref="FlatLayout"/> order: per layer W, b, then γ, β when normalised.</summary>
        public IEnumerable<Parameter> InLayoutOrder()
        {
            for (int l = 0; l < _kernels.Length; l++)
            {
                yield return _kernels[l];
                yield return _biases[l];
                if (l < _gammas.Length)
                {
                    yield return _gammas[l];
                    yield return _betas[l];
                }
            }
        }

        /// <summary>Logits [N, B, classes] of inputs [N, B, in]. In training mode <paramref name="dropoutScale"/> gives each
        /// hidden layer's inverted-dropout scales for a shape.</summary>
        public Tensor Forward(Tensor input, bool training, Func<long[], Tensor> dropoutScale)
        {
            var arch = Architecture;
            Tensor h = input;
            for (int l = 0; l < arch.HiddenLayerSizes.Length; l++)
            {
                h = bmm(h, _kernels[l]).add(_biases[l]);
                if (arch.UseBatchNormalization)
                    h = BatchNorm(h, l, training);
                h = Activate(h, arch.Activation);
                if (training && arch.DropoutRate > 0)
                {
                    // Inverted dropout with the run's own masks (nn.functional.dropout would use the global RNG).
                    h = h.mul(dropoutScale(h.shape));
                }
            }
            int last = arch.LayerCount - 1;
            return bmm(h, _kernels[last]).add(_biases[last]);
        }

        private Tensor BatchNorm(Tensor h, int layer, bool training)
        {
            if (!training)
                return h.sub(_runningMeans[layer]).mul(_runningVariances[layer].add(NetworkArchitecture.BatchNormEpsilon).rsqrt())
                    .mul(_gammas[layer]).add(_betas[layer]);

            // Statistics per member over its own batch (dim 1). Keras moves the running variance with the biased batch variance.
            var mean = h.mean(new long[] { 1 }, keepdim: true);
            var centered = h.sub(mean);
            var variance = centered.square().mean(new long[] { 1 }, keepdim: true);
            using (no_grad())
            {
                float rate = NetworkArchitecture.BatchNormUpdateRate;
                _runningMeans[layer].mul_(1 - rate).add_(mean, alpha: rate);
                _runningVariances[layer].mul_(1 - rate).add_(variance, alpha: rate);
            }
            return centered.mul(variance.add(NetworkArchitecture.BatchNormEpsilon).rsqrt()).mul(_gammas[layer]).add(_betas[layer]);
        }

        private static Tensor Activate(Tensor h, MlpActivation activation) => activation switch
        {
            MlpActivation.Relu => nn.functional.relu(h),
            MlpActivation.LeakyRelu => nn.functional.leaky_relu(h, LeakyRelu.Slope),
            MlpActivation.Elu => nn.functional.elu(h, 1.0),
            MlpActivation.Gelu => nn.functional.gelu(h),
            MlpActivation.Selu => nn.functional.selu(h),
            MlpActivation.Tanh => h.tanh(),
            MlpActivation.Sigmoid => h.sigmoid(),
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
        };

        /// <summary>Copies every member out as managed arrays (kernels transposed to [out, in] for scoring).</summary>
        public NetworkWeights[] Snapshot() => Enumerable.Range(0, MemberCount).Select(SnapshotMember).ToArray();

        /// <summary>Copies member <paramref name="m"/> out as managed arrays.</summary>
        public NetworkWeights SnapshotMember(int m)
        {
            var arch = Architecture;
            using var scope = NewDisposeScope();
            {
                var layers = new LayerWeights[arch.LayerCount];
                for (int l = 0; l < arch.LayerCount; l++)
                {
                    layers[l] = new LayerWeights
                    {
                        Weight = ToArray(_kernels[l][m].t()),
                        Bias = ToArray(_biases[l][m]),
                    };
                    if (l < _gammas.Length)
                    {
                        layers[l].Gamma = ToArray(_gammas[l][m]);
                        layers[l].Beta = ToArray(_betas[l][m]);
                        layers[l].RunningMean = ToArray(_runningMeans[l][m]);
                        layers[l].RunningVariance = ToArray(_runningVariances[l][m]);
                    }
                }
                return new NetworkWeights(arch, layers);
            }
        }

        /// <summary>Per-member gradient L2 norm clipped to <paramref name="maxNorm"/> (members stay independent).</summary>
        public void ClipGradientNorms(double maxNorm)
        {
            using var scope = NewDisposeScope();
            var squares = zeros(MemberCount);
            foreach (var p in Parameters)
                if (p.grad is Tensor g)
                    squares.add_(g.square().reshape(MemberCount, -1).sum(1));
            var factor = squares.sqrt().add_(1e-6).reciprocal_().mul_(maxNorm).clamp_max_(1.0);
            foreach (var p in Parameters)
                if (p.grad is Tensor g)
                    g.mul_(factor.view(new long[] { MemberCount }.Concat(Enumerable.Repeat(1L, (int)g.dim() - 1)).ToArray()));
        }

        /// <summary>A Parameter takes over the tensor's native handle; the emptied wrapper is disposed so nothing is left counted as live.</summary>
        private static Parameter Own(Tensor data)
        {
            var parameter = new Parameter(data);
            data.Dispose();
            return parameter;
        }

        private static float[] ToArray(Tensor t) => t.detach().contiguous().data<float>().ToArray();

        private static Tensor Stack(NetworkWeights[] members, Func<NetworkWeights, float[]> pick, long rows, long columns)
        {
            var all = new float[members.Length * rows * columns];
            for (int m = 0; m < members.Length; m++)
                pick(members[m]).CopyTo(all, m * rows * columns);
            return tensor(all, new long[] { members.Length, rows, columns });
        }

        public void Dispose()
        {
            foreach (var t in Parameters.Cast<Tensor>().Concat(_runningMeans).Concat(_runningVariances))
                t?.Dispose();
        }
    }
}
