using System.Collections.Generic;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Early stopping on given sequences of monitored values, one member and several, without training anything.</summary>
    public class EarlyStoppingTests
    {
        /// <summary>Feeds <paramref name="values"/> epoch by epoch (1-based) until it says stop; returns the epoch it stopped at
        /// (0 when it never did) and the epoch whose weights it kept.</summary>
        private static (int StoppedAt, int BestEpoch) Run(EarlyStopping stopping, params double[] values)
        {
            for (int e = 1; e <= values.Length; e++)
            {
                stopping.Observe(values[e - 1], () => ScriptedNetwork.Tagged(0, e));
                if (stopping.Stopped)
                    return (e, ScriptedNetwork.TagOf(stopping.BestWeights).Steps);
            }
            return (0, ScriptedNetwork.TagOf(stopping.BestWeights).Steps);
        }

        [Fact]
        public void PatienceTwoStopsAfterTwoEpochsWithoutImprovementAndKeepsTheBestEpoch()
        {
            var stopping = new EarlyStopping(patience: 2, minDelta: 0);
            Assert.Equal((4, 2), Run(stopping, 1.0, 0.8, 0.9, 0.85, 0.7));
            Assert.Equal(0.8, stopping.Best);
        }

        [Fact]
        public void AnImprovementRestartsTheWait()
        {
            Assert.Equal((6, 4), Run(new EarlyStopping(patience: 2, minDelta: 0), 1.0, 0.8, 0.9, 0.7, 0.75, 0.71));
        }

        [Fact]
        public void AnImprovementNoLargerThanMinDeltaDoesNotCount()
        {
            Assert.Equal((3, 1), Run(new EarlyStopping(patience: 2, minDelta: 0.1), 1.0, 0.95, 0.91, 0.5));
        }

        [Fact]
        public void TheFirstEpochIsKeptEvenWhenItsValueIsNotANumber()
        {
            Assert.Equal((2, 1), Run(new EarlyStopping(patience: 1, minDelta: 0), double.NaN, 0.5));
        }

        [Fact]
        public void WeightsAreSnapshotOnlyOnImprovement()
        {
            var stopping = new EarlyStopping(patience: 5, minDelta: 0);
            var taken = new List<double>();
            foreach (double value in new[] { 1.0, 2.0, 0.5, 0.6 })
                stopping.Observe(value, () => { taken.Add(value); return ScriptedNetwork.Tagged(0, 0); });
            Assert.Equal(new[] { 1.0, 0.5 }, taken);
        }

        [Fact]
        public void MembersStopOnTheirOwnAndTheBestOfEachIsRestored()
        {
            var stopping = new EarlyStoppingByMember(patience: 1, minDelta: 0, members: 2);
            var values = new[] { new[] { 1.0, 0.9, 0.95 }, new[] { 1.0, 1.1, 1.2 } };
            var settledBefore = new List<bool[]>();
            for (int e = 1; e <= 3; e++)
            {
                settledBefore.Add(stopping.Settled());
                for (int m = 0; m < 2; m++)
                    if (!stopping.IsStopped(m))
                        stopping.Observe(m, values[m][e - 1], () => ScriptedNetwork.Tagged(m, e));
            }
            Assert.Equal(new[] { new[] { false, false }, new[] { false, false }, new[] { false, true } }, settledBefore);
            Assert.True(stopping.AllStopped);

            var final = new[] { ScriptedNetwork.Tagged(0, 99), ScriptedNetwork.Tagged(1, 99) };
            Assert.Same(final, stopping.RestoreBest(final));
            Assert.Equal((0, 2), ScriptedNetwork.TagOf(final[0]));
            Assert.Equal((1, 1), ScriptedNetwork.TagOf(final[1]));
        }

        [Fact]
        public void WithoutPatienceNothingStopsAndNothingIsRestored()
        {
            var stopping = new EarlyStoppingByMember(patience: null, minDelta: 0, members: 2);
            stopping.Observe(0, 1, () => throw new System.InvalidOperationException("no snapshot when off"));
            Assert.False(stopping.Enabled);
            Assert.False(stopping.AllStopped);
            Assert.False(stopping.IsStopped(0));
            Assert.Null(stopping.Settled());
            var final = new[] { ScriptedNetwork.Tagged(0, 7), ScriptedNetwork.Tagged(1, 7) };
            Assert.Equal((0, 7), ScriptedNetwork.TagOf(stopping.RestoreBest(final)[0]));
        }
    }
}
