using System.Collections.Generic;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary><see cref="LazyTrainingNetwork"/> and <see cref="LossWeights"/> alone: one network per run, built on the first
    /// block and moved to each new one with that block's loss weights.</summary>
    public class LazyTrainingNetworkTests
    {
        private static readonly Objective TwoClasses = new SoftmaxObjective(2, reportsAuc: false);

        [Fact]
        public void BuildsTheNetworkOnceOnTheFirstBlockAndMovesItToEachNewBlock()
        {
            var built = new List<(NetworkWeights[] Members, TrainingData Data, float[] RowWeights)>();
            var scripted = new ScriptedNetwork(1, (_, _) => 0);
            var settings = new TrainingSettings
            {
                Objective = TwoClasses,
                NetworkFactory = (members, _, data, rowWeights, _) => { built.Add((members, data, rowWeights)); return scripted; },
            };
            var initial = new[] { ScriptedNetwork.Tagged(0, 0) };
            var first = ScriptedNetwork.Rows(4);
            var second = ScriptedNetwork.Rows(2, weights: new[] { 2f, 3f });

            var network = new LazyTrainingNetwork(settings, initial, classWeights: null);
            Assert.Null(network.Current);
            Assert.Same(scripted, network.For(first));
            Assert.Same(scripted, network.For(first)); // the same block again (in memory): nothing to do
            Assert.Same(scripted, network.For(second));
            Assert.Same(scripted, network.For(first));

            var (members, data, rowWeights) = Assert.Single(built);
            Assert.Same(initial, members);
            Assert.Same(first, data);
            Assert.Null(rowWeights); // no example or class weights: every row weighs 1
            Assert.Equal(new[] { second, first }, scripted.SetDataLog.ConvertAll(s => s.Data));
            Assert.Equal(new[] { 2f, 3f }, scripted.SetDataLog[0].RowWeights);

            network.Dispose();
            Assert.True(scripted.Disposed);
        }

        [Fact]
        public void RowWeightsAreExampleWeightTimesClassWeight()
        {
            var data = ScriptedNetwork.Rows(4, weights: new[] { 1f, 2f, 3f, 4f }); // labels 0, 1, 0, 1
            Assert.Equal(new[] { 0.5f, 6f, 1.5f, 12f }, LossWeights.PerRow(data, new[] { 0.5f, 3f }));
            Assert.Equal(new[] { 0.5f, 3f, 0.5f, 3f }, LossWeights.PerRow(ScriptedNetwork.Rows(4), new[] { 0.5f, 3f }));
            Assert.Null(LossWeights.PerRow(ScriptedNetwork.Rows(4), null));
        }

        [Fact]
        public void BalancedClassWeightsAreRowsOverPresentClassesTimesClassRows()
        {
            var labels = new float[] { 0, 0, 0, 1 };
            var source = new InMemoryRows(new TrainingData(new float[8], labels, null, 4, 2));
            var balanced = new TrainingSettings { Objective = new SoftmaxObjective(3, reportsAuc: false), ClassWeighting = MlpClassWeighting.Balanced };
            Assert.Equal(new[] { 4f / 6, 2f, 0f }, LossWeights.PerClass(balanced, source)); // class 2 is absent
            Assert.Null(LossWeights.PerClass(new TrainingSettings { Objective = TwoClasses }, source));
            var regression = new TrainingSettings { Objective = new RegressionObjective(MlpRegressionLoss.Squared, 1, 1), ClassWeighting = MlpClassWeighting.Balanced };
            Assert.Null(LossWeights.PerClass(regression, source));
        }
    }
}
