namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Where each parameter block of N stacked members lives in one flat buffer: per layer W [N, in, out], b [N, out],
    /// then γ and β [N, out] for batch-normalised hidden layers. One buffer lets the optimizer update everything in one pass.
    /// With <see cref="FirstKernelsInterleaved"/> the first layer's kernels are instead one [in, N·out] matrix (member m's
    /// columns at m·out): members that read the same batch then take their first layer from one wide product.
    /// </summary>
    internal sealed class FlatLayout
    {
        /// <param name="architecture">Every member's architecture.</param>
        /// <param name="members">Members stacked.</param>
        /// <param name="interleaveFirstKernels">Lay the first layer's kernels out as one [in, N·out] matrix.</param>
        public FlatLayout(NetworkArchitecture architecture, int members, bool interleaveFirstKernels = false)
        {
            Architecture = architecture;
            Members = members;
            FirstKernelsInterleaved = interleaveFirstKernels;
            int layers = architecture.LayerCount;
            Weight = new int[layers];
            Bias = new int[layers];
            Gamma = new int[layers];
            Beta = new int[layers];
            int offset = 0;
            for (int l = 0; l < layers; l++)
            {
                int fanIn = architecture.LayerInput(l), fanOut = architecture.LayerOutput(l);
                Weight[l] = offset;
                offset += members * fanIn * fanOut;
                Bias[l] = offset;
                offset += members * fanOut;
                if (HasBatchNorm(l))
                {
                    Gamma[l] = offset;
                    offset += members * fanOut;
                    Beta[l] = offset;
                    offset += members * fanOut;
                }
                else
                {
                    Gamma[l] = Beta[l] = -1;
                }
            }
            Total = offset;
        }

        public NetworkArchitecture Architecture { get; }

        public int Members { get; }

        public int[] Weight { get; }

        public int[] Bias { get; }

        public int[] Gamma { get; }

        public int[] Beta { get; }

        public int Total { get; }

        /// <summary>The first layer's kernels form one [in, N·out] matrix rather than N [in, out] blocks.</summary>
        public bool FirstKernelsInterleaved { get; }

        /// <summary>Offset of member <paramref name="member"/>'s [in, out] kernel of layer <paramref name="layer"/> (its first row).</summary>
        public int KernelOffset(int layer, int member) =>
            Weight[layer] + member * (IsInterleaved(layer) ? Architecture.LayerOutput(layer) : Architecture.LayerInput(layer) * Architecture.LayerOutput(layer));

        /// <summary>Values from one row of a member's kernel of <paramref name="layer"/> to the next: its width, or N × its
        /// width when interleaved.</summary>
        public int KernelRowStride(int layer) => Architecture.LayerOutput(layer) * (IsInterleaved(layer) ? Members : 1);

        private bool IsInterleaved(int layer) => FirstKernelsInterleaved && layer == 0;

        public bool HasBatchNorm(int layer) => Architecture.UseBatchNormalization && layer < Architecture.HiddenLayerSizes.Length;

        /// <summary>Every (offset, size) block that belongs to member <paramref name="member"/>: its kernels, biases, γ and β.</summary>
        public System.Collections.Generic.IEnumerable<(int Offset, int Size)> MemberBlocks(int member)
        {
            for (int l = 0; l < Architecture.LayerCount; l++)
            {
                int fanIn = Architecture.LayerInput(l), width = Architecture.LayerOutput(l);
                if (IsInterleaved(l))
                    for (int row = 0; row < fanIn; row++)
                        yield return (KernelOffset(l, member) + row * KernelRowStride(l), width);
                else
                    yield return (KernelOffset(l, member), fanIn * width);
                yield return (Bias[l] + member * width, width);
                if (HasBatchNorm(l))
                {
                    yield return (Gamma[l] + member * width, width);
                    yield return (Beta[l] + member * width, width);
                }
            }
        }
    }
}
