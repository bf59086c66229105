using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Several trained networks of one shape as one network that outputs their mean: the members' hidden layers side by side
    /// (block-diagonal weights, so member m's units see only member m's units) and an output layer that averages. Every
    /// activation acts per unit and batch normalization per unit, so the result computes exactly the members' mean output
    /// (logits for classes) up to float rounding — and scoring, saving, ONNX export and gradients need nothing new.
    /// </summary>
    internal static class NetworkAverage
    {
        /// <summary>One network computing the mean of <paramref name="members"/>' outputs (the member itself when there is one).</summary>
        /// <exception cref="ArgumentException">The members differ in shape.</exception>
        public static NetworkWeights Of(IReadOnlyList<NetworkWeights> members)
        {
            if (members.Count == 1)
                return members[0];
            var arch = members[0].Architecture;
            if (members.Any(m => !m.Architecture.SameShape(arch)))
                throw new ArgumentException("Only networks of one shape can be averaged into one.", nameof(members));
            int k = members.Count, hiddenCount = arch.HiddenLayerSizes.Length;
            var merged = arch with { HiddenLayerSizes = arch.HiddenLayerSizes.Select(h => h * k).ToArray() };
            var layers = new LayerWeights[arch.LayerCount];
            for (int l = 0; l < hiddenCount; l++)
                layers[l] = SideBySide(members, l, l == 0 ? 1 : k);
            layers[hiddenCount] = Averaged(members, hiddenCount, hiddenCount == 0 ? 1 : k);
            return new NetworkWeights(merged, layers);
        }

        /// <summary>Hidden layer <paramref name="l"/>: member m's units at rows m·out…, reading member m's inputs at columns m·in…
        /// (layer 0: every member reads the same inputs, <paramref name="inputCopies"/> = 1).</summary>
        private static LayerWeights SideBySide(IReadOnlyList<NetworkWeights> members, int l, int inputCopies)
        {
            var arch = members[0].Architecture;
            int k = members.Count, fanIn = arch.LayerInput(l), fanOut = arch.LayerOutput(l), wideIn = fanIn * inputCopies;
            var weight = new float[k * fanOut * wideIn];
            for (int m = 0; m < k; m++)
            {
                int column = inputCopies == 1 ? 0 : m * fanIn;
                for (int o = 0; o < fanOut; o++)
                    Array.Copy(members[m].Layers[l].Weight, o * fanIn, weight, (m * fanOut + o) * wideIn + column, fanIn);
            }
            var layer = members[0].Layers[l];
            return new LayerWeights
            {
                Weight = weight,
                Bias = Concatenated(members, l, w => w.Bias),
                Gamma = layer.HasBatchNorm ? Concatenated(members, l, w => w.Gamma) : null,
                Beta = layer.HasBatchNorm ? Concatenated(members, l, w => w.Beta) : null,
                RunningMean = layer.HasBatchNorm ? Concatenated(members, l, w => w.RunningMean) : null,
                RunningVariance = layer.HasBatchNorm ? Concatenated(members, l, w => w.RunningVariance) : null,
            };
        }

        /// <summary>The output layer: each member's weights over its own units, divided by the member count, and the mean bias
        /// (<paramref name="inputCopies"/> = 1 when there are no hidden layers: the members' weights are simply averaged).</summary>
        private static LayerWeights Averaged(IReadOnlyList<NetworkWeights> members, int l, int inputCopies)
        {
            var arch = members[0].Architecture;
            int k = members.Count, fanIn = arch.LayerInput(l), fanOut = arch.LayerOutput(l), wideIn = fanIn * inputCopies;
            var weight = new float[fanOut * wideIn];
            var bias = new float[fanOut];
            for (int m = 0; m < k; m++)
            {
                var member = members[m].Layers[l];
                int column = inputCopies == 1 ? 0 : m * fanIn;
                for (int o = 0; o < fanOut; o++)
                {
                    for (int i = 0; i < fanIn; i++)
                        weight[o * wideIn + column + i] += member.Weight[o * fanIn + i] / k;
                    bias[o] += member.Bias[o] / k;
                }
            }
            return new LayerWeights { Weight = weight, Bias = bias };
        }

        private static float[] Concatenated(IReadOnlyList<NetworkWeights> members, int l, Func<LayerWeights, float[]> values) =>
            members.SelectMany(m => values(m.Layers[l])).ToArray();
    }
}
