using System;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>The gradient functions against finite differences, the path's first-layer shortcut against scoring every
    /// point, and integrated gradients' completeness — on small random networks, no training.</summary>
    public class IntegratedGradientsTests
    {
        /// <summary>A random network with batch norm (folded by scoring) and, optionally, robust scaling in front.</summary>
        private static InferenceNetwork Network(MlpActivation activation, bool scaled, int inputs = 6, int outputs = 3, int seed = 1)
        {
            var random = new Random(seed);
            float Next(double scale) => (float)((random.NextDouble() * 2 - 1) * scale);
            var architecture = new NetworkArchitecture(inputs, new[] { 5, 4 }, outputs, activation, true, 0);
            var layers = Enumerable.Range(0, architecture.LayerCount).Select(l =>
            {
                int fanIn = architecture.LayerInput(l), fanOut = architecture.LayerOutput(l);
                var layer = new LayerWeights
                {
                    Weight = Enumerable.Range(0, fanIn * fanOut).Select(_ => Next(1.5 / Math.Sqrt(fanIn))).ToArray(),
                    Bias = Enumerable.Range(0, fanOut).Select(_ => Next(0.3)).ToArray(),
                };
                if (l < architecture.HiddenLayerSizes.Length)
                {
                    layer.Gamma = Enumerable.Range(0, fanOut).Select(_ => 1 + Next(0.3)).ToArray();
                    layer.Beta = Enumerable.Range(0, fanOut).Select(_ => Next(0.3)).ToArray();
                    layer.RunningMean = Enumerable.Range(0, fanOut).Select(_ => Next(0.3)).ToArray();
                    layer.RunningVariance = Enumerable.Range(0, fanOut).Select(_ => 1 + Next(0.5)).ToArray();
                }
                return layer;
            }).ToArray();
            var scaler = scaled
                ? new FeatureScaler(Enumerable.Range(0, inputs).Select(_ => Next(1)).ToArray(), Enumerable.Range(0, inputs).Select(_ => 0.5f + Math.Abs(Next(1))).ToArray())
                : null;
            return new InferenceNetwork(new NetworkWeights(architecture, layers), logits: true, scaler);
        }

        private static float[] Row(int width, int seed) => Enumerable.Range(0, width).Select(i => (float)Math.Sin(seed * 7.3 + i * 1.9) * 2).ToArray();

        private static float[] Forward(Differentiable f, float[] points, int count)
        {
            var outputs = new float[count * f.OutputSize];
            f.Forward(points, count, outputs);
            return outputs;
        }

        [Theory]
        [InlineData(MlpActivation.Relu, false)]
        [InlineData(MlpActivation.Selu, true)]
        [InlineData(MlpActivation.Tanh, true)]
        [InlineData(MlpActivation.Gelu, false)]
        public void BackwardMatchesFiniteDifferencesThroughTheScalerAndTheHead(MlpActivation activation, bool scaled)
        {
            var network = Network(activation, scaled);
            var f = new Chain(new DenseStackFunction(DenseStack.Of(network)), new SoftmaxHead(3));
            var x = Row(6, 3);
            var upstream = new float[] { 0.3f, -1f, 0.7f };
            Forward(f, x, 1);
            var gradient = new float[6];
            f.Backward(upstream, 1, gradient);
            for (int j = 0; j < 6; j++)
            {
                const float h = 1e-2f;
                var plus = (float[])x.Clone();
                var minus = (float[])x.Clone();
                plus[j] += h;
                minus[j] -= h;
                var (up, down) = (Forward(f, plus, 1), Forward(f, minus, 1));
                double numeric = Enumerable.Range(0, 3).Sum(o => upstream[o] * ((double)up[o] - down[o]) / (2 * h));
                Assert.True(Math.Abs(numeric - gradient[j]) < 2e-3 + 1e-2 * Math.Abs(numeric), $"feature {j}: analytic {gradient[j]}, numeric {numeric}");
            }
        }

        [Fact]
        public void ForwardMatchesTheScoringNetwork()
        {
            var network = Network(MlpActivation.Elu, scaled: true);
            var f = new DenseStackFunction(DenseStack.Of(network));
            var x = Row(6, 5);
            var expected = new float[3];
            network.Predict(x, expected);
            Assert.Equal(expected, Forward(f, x, 1), new FloatComparer(1e-5f));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void AttributionsSumToTheChangeOfTheOutput(bool scaled)
        {
            var f = new Chain(new DenseStackFunction(DenseStack.Of(Network(MlpActivation.Relu, scaled))), new SoftmaxHead(3));
            var rows = Row(6, 1).Concat(Row(6, 2)).ToArray();
            var baseline = Row(6, 9).Select(v => v * 0.3f).ToArray();
            var attributions = new float[12];
            new IntegratedGradients(f, 64).Attribute(rows, 2, baseline, new[] { 0, 2 }, attributions);
            var atRows = Forward(f, rows, 2);
            var atBaseline = Forward(f, baseline, 1);
            for (int r = 0; r < 2; r++)
            {
                int target = r == 0 ? 0 : 2;
                double change = atRows[r * 3 + target] - atBaseline[target], sum = attributions.Skip(r * 6).Take(6).Sum();
                Assert.True(Math.Abs(sum - change) <= 0.01 * Math.Max(Math.Abs(change), 0.05), $"row {r}: Σ {sum} vs f(x) − f(b) {change}");
            }
        }

        [Fact]
        public void ThePathShortcutGivesWhatScoringEveryPointGives()
        {
            // Without a scaler the first layer runs once per row; a Chain behind a head hides nothing of that.
            var network = Network(MlpActivation.Tanh, scaled: false);
            var rows = Row(6, 1).Concat(Row(6, 4)).Concat(Row(6, 8)).ToArray();
            var baseline = Row(6, 9);
            var targets = new[] { 1, 0, 2 };
            var fast = new float[18];
            new IntegratedGradients(new DenseStackFunction(DenseStack.Of(network)), 16).Attribute(rows, 3, baseline, targets, fast);
            var slow = new float[18];
            new IntegratedGradients(new PointByPoint(new DenseStackFunction(DenseStack.Of(network))), 16).Attribute(rows, 3, baseline, targets, slow);
            Assert.Equal(slow, fast, new FloatComparer(1e-5f));
        }

        [Fact]
        public void SmallChunksSplitIntoStepBlocksGiveWhatOneChunkGives()
        {
            // 5 points a chunk: one row at a time, its 32 steps in blocks of 5 (what very wide inputs get), scaled and not.
            foreach (bool scaled in new[] { false, true })
            {
                var network = Network(MlpActivation.Selu, scaled);
                var rows = Row(6, 1).Concat(Row(6, 4)).Concat(Row(6, 8)).ToArray();
                var baseline = Row(6, 9);
                var targets = new[] { 1, 0, 2 };
                var whole = new float[18];
                new IntegratedGradients(new DenseStackFunction(DenseStack.Of(network)), 32).Attribute(rows, 3, baseline, targets, whole);
                var blocks = new float[18];
                new IntegratedGradients(new DenseStackFunction(DenseStack.Of(network)), 32, pointsPerChunk: 5).Attribute(rows, 3, baseline, targets, blocks);
                Assert.Equal(whole, blocks, new FloatComparer(1e-5f));
            }
        }

        /// <summary>Hides a function's path overloads, so every path point is scored and differentiated on its own.</summary>
        private sealed class PointByPoint : Differentiable
        {
            private readonly Differentiable _inner;

            public PointByPoint(Differentiable inner) => _inner = inner;

            public override int InputSize => _inner.InputSize;

            public override int OutputSize => _inner.OutputSize;

            public override void Forward(ReadOnlySpan<float> points, int count, Span<float> outputs) => _inner.Forward(points, count, outputs);

            public override void Backward(ReadOnlySpan<float> upstream, int count, Span<float> gradients) => _inner.Backward(upstream, count, gradients);
        }
    }
}
