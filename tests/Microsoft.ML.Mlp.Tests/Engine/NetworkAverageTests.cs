using System;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// <see cref="NetworkAverage"/>: networks of one shape merged into one network (hidden layers side by side, block-diagonal;
    /// output layer averaging) compute the mean of the networks' outputs — with and without batch normalization, with no
    /// hidden layer, for every activation.
    /// </summary>
    public class NetworkAverageTests
    {
        private static NetworkWeights RandomNetwork(NetworkArchitecture arch, Random random)
        {
            float Next() => (float)(random.NextDouble() * 2 - 1);
            float[] Values(int n, Func<float> f) => Enumerable.Range(0, n).Select(_ => f()).ToArray();
            var layers = new LayerWeights[arch.LayerCount];
            for (int l = 0; l < layers.Length; l++)
            {
                int fanIn = arch.LayerInput(l), fanOut = arch.LayerOutput(l);
                bool batchNorm = arch.UseBatchNormalization && l < arch.HiddenLayerSizes.Length;
                layers[l] = new LayerWeights
                {
                    Weight = Values(fanIn * fanOut, () => Next() / MathF.Sqrt(fanIn)),
                    Bias = Values(fanOut, Next),
                    Gamma = batchNorm ? Values(fanOut, () => 1 + Next() / 2) : null,
                    Beta = batchNorm ? Values(fanOut, Next) : null,
                    RunningMean = batchNorm ? Values(fanOut, Next) : null,
                    RunningVariance = batchNorm ? Values(fanOut, () => 0.5f + (float)random.NextDouble()) : null,
                };
            }
            return new NetworkWeights(arch, layers);
        }

        /// <summary>Every activation, with and without batch norm, over several shapes and member counts.</summary>
        public static TheoryData<int[], bool, MlpActivation, int> Cases()
        {
            var data = new TheoryData<int[], bool, MlpActivation, int>();
            int i = 0;
            foreach (var activation in Enum.GetValues<MlpActivation>())
            {
                data.Add(new[] { 8, 6 }, i % 2 == 0, activation, 3);
                data.Add(new[] { 5 }, i % 2 == 1, activation, 4);
                i++;
            }
            data.Add(new[] { 7, 7, 3 }, false, MlpActivation.Tanh, 2);
            data.Add(new int[0], false, MlpActivation.Relu, 5);
            return data;
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void TheMergedNetworkOutputsTheMembersMeanOutput(int[] hidden, bool batchNorm, MlpActivation activation, int members)
        {
            var random = new Random(7);
            var arch = new NetworkArchitecture(9, hidden, 3, activation, batchNorm, 0.1f);
            var networks = Enumerable.Range(0, members).Select(_ => RandomNetwork(arch, random)).ToArray();
            var merged = NetworkAverage.Of(networks);
            Assert.Equal(hidden.Select(h => h * members), merged.Architecture.HiddenLayerSizes);
            Assert.Equal((9, 3), (merged.Architecture.InputSize, merged.Architecture.OutputSize));

            var scorers = networks.Select(n => new InferenceNetwork(n, logits: true)).ToArray();
            var mergedScorer = new InferenceNetwork(merged, logits: true);
            // Row scoring sees the blocks between hidden layers (and nowhere else), so a row visits only its own network's.
            for (int l = 0; l < merged.Architecture.LayerCount; l++)
            {
                Assert.Equal(l > 0 && l < hidden.Length ? members : 1, mergedScorer.DiagonalBlocksOf(l));
                Assert.Equal(1, scorers[0].DiagonalBlocksOf(l));
            }
            var output = new float[3];
            var expected = new double[3];
            for (int row = 0; row < 50; row++)
            {
                var x = Enumerable.Range(0, 9).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();
                Array.Clear(expected);
                foreach (var scorer in scorers)
                {
                    scorer.Predict(x, output);
                    for (int o = 0; o < 3; o++)
                        expected[o] += output[o] / (double)members;
                }
                mergedScorer.Predict(x, output);
                for (int o = 0; o < 3; o++)
                    Assert.True(Math.Abs(expected[o] - output[o]) <= 1e-5 * (1 + Math.Abs(expected[o])), $"row {row}, output {o}: {output[o]} vs mean {expected[o]}");
            }
        }

        [Fact]
        public void OneNetworkIsItselfAndDifferentShapesAreRefused()
        {
            var random = new Random(1);
            var a = RandomNetwork(new NetworkArchitecture(4, new[] { 3 }, 2, MlpActivation.Relu, false, 0), random);
            Assert.Same(a, NetworkAverage.Of(new[] { a }));
            var b = RandomNetwork(new NetworkArchitecture(4, new[] { 5 }, 2, MlpActivation.Relu, false, 0), random);
            Assert.Throws<ArgumentException>(() => NetworkAverage.Of(new[] { a, b }));
        }
    }
}
