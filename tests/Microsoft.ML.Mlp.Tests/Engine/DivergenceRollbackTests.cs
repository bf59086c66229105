using System;
using System.Collections.Generic;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary><see cref="Divergence"/> alone: which epochs count as diverged, what is kept, what is said.</summary>
    public class DivergenceRollbackTests
    {
        private static readonly EpochTotals Finite = new(new[] { 0.5, 0.4 }, new[] { 0.9, 0.8 }, -1);

        private static EpochTotals LossBecameNaN(int member)
        {
            var loss = new[] { 0.5, 0.4 };
            loss[member] = double.NaN;
            return new EpochTotals(loss, null, member);
        }

        private static NetworkWeights[] Members(int steps) => new[] { ScriptedNetwork.Tagged(0, steps), ScriptedNetwork.Tagged(1, steps) };

        [Fact]
        public void AFiniteEpochPasses()
        {
            var divergence = new Divergence(new TrainingSettings { Seeds = new[] { 1, 2 } });
            Assert.Null(divergence.CheckEpoch(1, Finite, new ScriptedNetwork(2, (_, _) => 0), settled: null, learningRate: 0.1));
        }

        [Fact]
        public void KeepLastFiniteWeightsRollsBackToTheLastFiniteEpochAndWarns()
        {
            var warnings = new List<string>();
            var divergence = new Divergence(new TrainingSettings { Seeds = new[] { 1, 2 }, KeepLastFiniteWeights = true, Warn = warnings.Add });
            divergence.EpochWasFinite(1, Members(1));
            var second = Members(2);
            divergence.EpochWasFinite(2, second);

            var kept = divergence.CheckEpoch(3, LossBecameNaN(1), new ScriptedNetwork(2, (_, _) => 0), settled: null, learningRate: 0.5);
            Assert.Same(second, kept);
            Assert.Equal(2, divergence.LastFiniteEpoch);
            var warning = Assert.Single(warnings);
            Assert.Contains("diverged in epoch 3 (member 1): the training loss became NaN at learning rate 0.5", warning);
            Assert.Contains("Keeping the weights of epoch 2", warning);
        }

        [Fact]
        public void ByDefaultADivergedEpochThrowsWithTheFixes()
        {
            var divergence = new Divergence(new TrainingSettings { Seeds = new[] { 1 } });
            divergence.EpochWasFinite(1, null);
            var network = new ScriptedNetwork(1, (_, _) => 0) { NonFiniteMember = 0 };
            var ex = Assert.Throws<InvalidOperationException>(() =>
                divergence.CheckEpoch(2, new EpochTotals(new[] { 0.3 }, new[] { 1.0 }, -1), network, settled: null, learningRate: 2));
            Assert.Contains("diverged in epoch 2: a weight became NaN or infinite at learning rate 2.", ex.Message);
            Assert.Contains("GradientClipNorm", ex.Message);
            Assert.Contains("KeepLastFiniteWeights", ex.Message);
            Assert.Null(divergence.LastFinite); // not kept unless asked
        }

        [Fact]
        public void WithNothingFiniteToKeepRollbackStillThrows()
        {
            var divergence = new Divergence(new TrainingSettings { Seeds = new[] { 1, 2 }, KeepLastFiniteWeights = true });
            var ex = Assert.Throws<InvalidOperationException>(() =>
                divergence.CheckEpoch(1, LossBecameNaN(0), new ScriptedNetwork(2, (_, _) => 0), settled: null, learningRate: 1));
            Assert.Contains("nothing to keep", ex.Message);
        }

        [Fact]
        public void ASettledMembersNonFiniteWeightsDoNotCount()
        {
            var divergence = new Divergence(new TrainingSettings { Seeds = new[] { 1, 2 } });
            var network = new ScriptedNetwork(2, (_, _) => 0) { NonFiniteMember = 1 };
            Assert.Null(divergence.CheckEpoch(4, Finite, network, settled: new[] { false, true }, learningRate: 1));
            Assert.Throws<InvalidOperationException>(() => divergence.CheckEpoch(4, Finite, network, settled: new[] { true, false }, learningRate: 1));
        }

        [Fact]
        public void TheFirstNonFiniteLossSumIsFoundAndSettledMembersAreSkipped()
        {
            var sums = new[] { 1.0, double.PositiveInfinity, double.NaN };
            Assert.Equal(1, Divergence.FirstNonFinite(sums));
            Assert.Equal(2, Divergence.FirstNonFinite(sums, new[] { false, true, false }));
            Assert.Equal(-1, Divergence.FirstNonFinite(sums, new[] { false, true, true }));
        }
    }
}
