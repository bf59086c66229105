using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The fast path's trainable state for N stacked members: one flat parameter buffer and one gradient buffer in the
    /// <see cref="FlatLayout"/> order (aligned, so libtorch reads them at fixed addresses modulo 64), and the batch-norm
    /// running statistics, which are state but not trained. Moves members in (<see cref="Load"/>) and out
    /// (<see cref="Snapshot"/>) of the saved [out, in] form.
    /// </summary>
    internal sealed class ParameterStore
    {
        private readonly NetworkArchitecture _arch;

        /// <param name="architecture">Every member's architecture.</param>
        /// <param name="members">Members stacked.</param>
        /// <param name="interleaveFirstKernels">See <see cref="FlatLayout.FirstKernelsInterleaved"/>.</param>
        public ParameterStore(NetworkArchitecture architecture, int members, bool interleaveFirstKernels = false)
        {
            _arch = architecture;
            Layout = new FlatLayout(architecture, members, interleaveFirstKernels);
            // Slack: BatchKernel reads whole 16-float panels of the last kernel's rows and of the last bias.
            Parameters = new AlignedBuffer(Layout.Total, slack: BatchKernel.Lanes);
            Gradients = new AlignedBuffer(Layout.Total);
            int hidden = architecture.HiddenLayerSizes.Length;
            RunningMean = new float[hidden][];
            RunningVariance = new float[hidden][];
            for (int l = 0; l < hidden; l++)
                if (Layout.HasBatchNorm(l))
                {
                    RunningMean[l] = new float[members * architecture.HiddenLayerSizes[l]];
                    RunningVariance[l] = new float[members * architecture.HiddenLayerSizes[l]];
                }
        }

        public FlatLayout Layout { get; }

        public AlignedBuffer Parameters { get; }

        public AlignedBuffer Gradients { get; private set; }

        /// <summary>Drops the gradient buffer (training is over); parameters and statistics stay.</summary>
        public void DropGradients() => Gradients = null;

        /// <summary>Per hidden layer with batch norm, [N, width]; null for the others.</summary>
        public float[][] RunningMean { get; }

        public float[][] RunningVariance { get; }

        /// <summary>Member <paramref name="member"/>'s block of a per-member vector parameter (bias, γ, β) at <paramref name="offset"/>.</summary>
        public Span<float> Param(int offset, int member, int width) => Parameters.AsSpan(offset + member * width, width);

        public Span<float> Grad(int offset, int member, int width) => Gradients.AsSpan(offset + member * width, width);

        /// <summary>Offset of member <paramref name="member"/>'s [in, out] kernel of layer <paramref name="layer"/>: its first row;
        /// the next rows are <see cref="FlatLayout.KernelRowStride"/> apart (not contiguous for interleaved first kernels).</summary>
        public int KernelOffset(int layer, int member) => Layout.KernelOffset(layer, member);

        public Span<float> Statistic(float[][] statistic, int layer, int member) =>
            statistic[layer].AsSpan(member * _arch.HiddenLayerSizes[layer], _arch.HiddenLayerSizes[layer]);

        /// <summary>Copies every member in (kernels [out, in] → [in, out]).</summary>
        public void Load(NetworkWeights[] members)
        {
            for (int m = 0; m < members.Length; m++)
                for (int l = 0; l < _arch.LayerCount; l++)
                {
                    var layer = members[m].Layers[l];
                    int fanIn = _arch.LayerInput(l), width = _arch.LayerOutput(l);
                    int stride = Layout.KernelRowStride(l);
                    Transpose.Copy(layer.Weight, width, fanIn, Parameters.AsSpan(KernelOffset(l, m), (fanIn - 1) * stride + width), stride);
                    layer.Bias.CopyTo(Param(Layout.Bias[l], m, width));
                    if (Layout.HasBatchNorm(l))
                    {
                        layer.Gamma.CopyTo(Param(Layout.Gamma[l], m, width));
                        layer.Beta.CopyTo(Param(Layout.Beta[l], m, width));
                        layer.RunningMean.CopyTo(Statistic(RunningMean, l, m));
                        layer.RunningVariance.CopyTo(Statistic(RunningVariance, l, m));
                    }
                }
        }

        /// <summary>Member <paramref name="member"/> as managed arrays (kernels [in, out] → [out, in]).</summary>
        public NetworkWeights Snapshot(int member)
        {
            var layers = new LayerWeights[_arch.LayerCount];
            for (int l = 0; l < layers.Length; l++)
            {
                int fanIn = _arch.LayerInput(l), width = _arch.LayerOutput(l);
                var weight = new float[fanIn * width];
                int stride = Layout.KernelRowStride(l);
                Transpose.Copy(Parameters.AsSpan(KernelOffset(l, member), (fanIn - 1) * stride + width), fanIn, width, stride, weight, fanIn);
                layers[l] = new LayerWeights { Weight = weight, Bias = Param(Layout.Bias[l], member, width).ToArray() };
                if (Layout.HasBatchNorm(l))
                {
                    layers[l].Gamma = Param(Layout.Gamma[l], member, width).ToArray();
                    layers[l].Beta = Param(Layout.Beta[l], member, width).ToArray();
                    layers[l].RunningMean = Statistic(RunningMean, l, member).ToArray();
                    layers[l].RunningVariance = Statistic(RunningVariance, l, member).ToArray();
                }
            }
            return new NetworkWeights(_arch, layers);
        }
    }
}
