using System;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary><see cref="FastOptimizer"/>'s Adam (and AdamW's decay) at whatever vector width this CPU runs it (512 bits where it has them) gives,
    /// bit for bit, what torch's update rule gives element by element in float: its width changes no trained bit.</summary>
    public class FastOptimizerTests
    {
        [Theory]
        [InlineData(MlpOptimizer.Adam)]
        [InlineData(MlpOptimizer.AdamW)]
        public void AdamGivesTheScalarRulesBitsAtAnyWidth(MlpOptimizer rule)
        {
            const int n = 1000 + 7; // whole 512-bit vectors and a tail
            var random = new Random(3);
            var p = Enumerable.Range(0, n).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
            var expected = (float[])p.Clone();
            float[] m = new float[n], v = new float[n];
            const float decay = 0.01f;
            var optimizer = new FastOptimizer(new TrainingSettings { Optimizer = rule, LearningRate = 0.001, WeightDecay = rule == MlpOptimizer.AdamW ? decay : 0 }, n);
            float b1 = 0.9f, b2 = 0.999f, eps = (float)KerasDefaults.Epsilon;
            for (int step = 1; step <= 3; step++)
            {
                // Gradients from 1e-3 to 1e+1 in magnitude, some exactly zero.
                var g = Enumerable.Range(0, n).Select(i => i % 97 == 0 ? 0f : (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 2)))).ToArray();
                optimizer.Step(p, g, 0.001); // the optimizer rounds the rate to float, as below
                float stepSize = (float)(0.001f / (1 - Math.Pow(0.9, step))), correction2 = (float)Math.Sqrt(1 - Math.Pow(0.999, step));
                for (int i = 0; i < n; i++)
                {
                    if (rule == MlpOptimizer.AdamW)
                        expected[i] *= 1 - 0.001f * decay; // decoupled decay first
                    m[i] = b1 * m[i] + (1 - b1) * g[i];
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                    expected[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) / correction2 + eps);
                }
                Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), p.Select(BitConverter.SingleToInt32Bits));
            }
        }
    }
}
