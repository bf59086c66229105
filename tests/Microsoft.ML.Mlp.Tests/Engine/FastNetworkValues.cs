using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// The fast path's flat values, read from its <see cref="ParameterStore"/> for comparison with the autograd reference
    /// (<see cref="Microsoft.ML.Trainers.Mlp.Engine.Reference.ReferenceTrainingNetwork.FlatParameters"/>): the same layout, so
    /// index i is the same weight in both. Only tests need them, so they live here and not on the network. Interleaved first
    /// kernels (shared batch order) are put back member after member, as the reference lays them out.
    /// </summary>
    internal static class FastNetworkValues
    {
        /// <summary>A copy of every trainable parameter, flat (<see cref="FlatLayout"/> without interleaving).</summary>
        public static float[] FlatParameters(this FastTrainingNetwork network) => MemberMajor(network.Store, network.Store.Parameters);

        /// <summary>A copy of the last step's gradients in the <see cref="FlatParameters"/> layout.</summary>
        public static float[] FlatGradients(this FastTrainingNetwork network) => MemberMajor(network.Store, network.Store.Gradients);

        private static float[] MemberMajor(ParameterStore store, AlignedBuffer buffer)
        {
            var values = buffer.ToArray();
            var layout = store.Layout;
            if (!layout.FirstKernelsInterleaved)
                return values;
            var architecture = layout.Architecture;
            int inputs = architecture.LayerInput(0), width = architecture.LayerOutput(0), stride = layout.KernelRowStride(0);
            var result = (float[])values.Clone();
            for (int m = 0; m < layout.Members; m++)
                for (int i = 0; i < inputs; i++)
                    System.Array.Copy(values, layout.KernelOffset(0, m) + i * stride, result, layout.Weight[0] + (m * inputs + i) * width, width);
            return result;
        }
    }
}
