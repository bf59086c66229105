using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// The fast path's flat values, read from its <see cref="ParameterStore"/> for comparison with the autograd reference
    /// (<see cref="Microsoft.ML.Trainers.Mlp.Engine.Reference.ReferenceTrainingNetwork.FlatParameters"/>): the same layout, so
    /// index i is the same weight in both. Only tests need them, so they live here and not on the network.
    /// </summary>
    internal static class FastNetworkValues
    {
        /// <summary>A copy of every trainable parameter, flat (<see cref="FlatLayout"/>).</summary>
        public static float[] FlatParameters(this FastTrainingNetwork network) => network.Store.Parameters.ToArray();

        /// <summary>A copy of the last step's gradients in the <see cref="FlatParameters"/> layout.</summary>
        public static float[] FlatGradients(this FastTrainingNetwork network) => network.Store.Gradients.ToArray();
    }
}
