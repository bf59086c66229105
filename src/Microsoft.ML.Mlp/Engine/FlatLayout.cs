namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Where each parameter block of N stacked members lives in one flat buffer: per layer W [N, in, out], b [N, out],
    /// then γ and β [N, out] for batch-normalised hidden layers. One buffer lets the optimizer update everything in one pass.
    /// </summary>
    internal sealed class FlatLayout
    {
        public FlatLayout(NetworkArchitecture architecture, int members)
        {
            Architecture = architecture;
            Members = members;
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

        public bool HasBatchNorm(int layer) => Architecture.UseBatchNormalization && layer < Architecture.HiddenLayerSizes.Length;

        /// <summary>Every (offset, size) block that belongs to member <paramref name="member"/>: its kernels, biases, γ and β.</summary>
        public System.Collections.Generic.IEnumerable<(int Offset, int Size)> MemberBlocks(int member)
        {
            for (int l = 0; l < Architecture.LayerCount; l++)
            {
                int fanIn = Architecture.LayerInput(l), width = Architecture.LayerOutput(l);
                yield return (Weight[l] + member * fanIn * width, fanIn * width);
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
