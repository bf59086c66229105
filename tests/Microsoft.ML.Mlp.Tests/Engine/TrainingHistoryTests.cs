using System.Collections.Generic;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary><see cref="TrainingHistory"/> alone: what an epoch's record holds, where it goes, who hears of it.</summary>
    public class TrainingHistoryTests
    {
        private static readonly EpochTotals Pass = new(new[] { 0.7, 0.6 }, new[] { 0.5, 0.55 }, -1);

        [Fact]
        public void RecordsEachMembersEpochsInOrderWithTheirFigures()
        {
            var history = new TrainingHistory(2, onEpoch: null);
            history.StartEpoch();
            history.Record(1, 3, Pass, new ValidationResult(0.9, 0.4, 0.8, null, null), 0.01);
            history.Record(0, 3, Pass, null, 0.01);
            history.StartEpoch();
            history.Record(1, 4, Pass, null, 0.005);

            var second = history.Members[1];
            Assert.Equal(new[] { 3, 4 }, second.ConvertAll(m => m.Epoch));
            var first = second[0];
            Assert.Equal((1, 0.6, 0.55, 0.01), (first.Member, first.TrainingLoss, first.TrainingAccuracy, first.LearningRate));
            Assert.Equal((0.9, 0.4, 0.8), (first.ValidationLoss, first.ValidationAccuracy, first.ValidationAuc));
            Assert.Null(first.ValidationRmse);
            Assert.Null(first.ValidationRSquared);
            Assert.Equal(0.005, second[1].LearningRate);
            Assert.True(second[1].Elapsed >= second[1].Duration);

            var only = Assert.Single(history.Members[0]);
            Assert.Equal((0, 3, 0.7, 0.5), (only.Member, only.Epoch, only.TrainingLoss, only.TrainingAccuracy));
            Assert.Null(only.ValidationLoss);
            Assert.Null(only.ValidationAccuracy);
        }

        [Fact]
        public void RegressionFiguresAreRecordedToo()
        {
            var history = new TrainingHistory(1, onEpoch: null);
            var metrics = history.Record(0, 1, new EpochTotals(new[] { 0.2 }, new[] { 0.0 }, -1), new ValidationResult(0.3, 0, null, 1.5, 0.75), 0.1);
            Assert.Equal((0.3, 1.5, 0.75), (metrics.ValidationLoss, metrics.ValidationRmse, metrics.ValidationRSquared));
            Assert.Null(metrics.ValidationAuc);
        }

        [Fact]
        public void TheCallbackHearsOfEachRecordAsItIsMade()
        {
            var heard = new List<(int Member, MlpEpochMetrics Metrics, int Recorded)>();
            TrainingHistory history = null;
            history = new TrainingHistory(2, (m, metrics) => heard.Add((m, metrics, history.Members[m].Count)));
            var a = history.Record(0, 1, Pass, null, 0.1);
            var b = history.Record(1, 1, Pass, null, 0.1);
            var c = history.Record(0, 2, Pass, null, 0.1);

            Assert.Equal(3, heard.Count);
            Assert.Equal((0, 1), (heard[0].Member, heard[0].Recorded)); // recorded before the callback runs
            Assert.Same(a, heard[0].Metrics);
            Assert.Equal(1, heard[1].Member);
            Assert.Same(b, heard[1].Metrics);
            Assert.Equal((0, 2), (heard[2].Member, heard[2].Recorded));
            Assert.Same(c, heard[2].Metrics);
        }
    }
}
