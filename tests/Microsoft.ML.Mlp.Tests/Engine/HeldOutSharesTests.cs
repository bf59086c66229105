using System.Linq;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary><see cref="TrainingData.Folds"/> and <see cref="HeldOutShares"/>: the rows each averaged network holds out.</summary>
    public class HeldOutSharesTests
    {
        /// <summary>103 rows of three classes (60, 30, 13), feature = row index.</summary>
        private static TrainingData Rows()
        {
            var labels = Enumerable.Range(0, 103).Select(r => r % 7 == 0 ? 2f : r % 3 == 0 ? 1f : 0f).ToArray();
            return new TrainingData(Enumerable.Range(0, 103).Select(r => (float)r).ToArray(), labels, null, 103, 1);
        }

        [Fact]
        public void SharesAreDisjointStratifiedOfOneTrainingSizeAndTheFirstIsTheSplit()
        {
            var data = Rows();
            var folds = data.Folds(0.2, seed: 7, byClass: true, count: 4);
            var counts = data.ClassCounts(3);
            foreach (var (train, validation) in folds)
            {
                for (int c = 0; c < 3; c++)
                    Assert.Equal((int)System.Math.Round(0.2 * counts[c]), validation.Count(r => data.Labels[r] == c));
                Assert.Equal(Enumerable.Range(0, 103), train.Concat(validation).OrderBy(r => r)); // the rest trains
                Assert.Equal(folds[0].Train.Length, train.Length);
                Assert.Equal(validation.OrderBy(r => r), validation);
            }
            for (int a = 0; a < 4; a++)
                for (int b = a + 1; b < 4; b++)
                    Assert.Empty(folds[a].Validation.Intersect(folds[b].Validation));

            var (_, split) = data.Split(0.2, seed: 7, byClass: true);
            Assert.Equal(split.Features.Take(split.RowCount), folds[0].Validation.Select(r => (float)r));
        }

        [Fact]
        public void MoreSharesThanFitWrapAroundAndStillHoldOutTheirFraction()
        {
            var data = Rows();
            var folds = data.Folds(0.3, seed: 1, byClass: false, count: 5);
            Assert.All(folds, f => Assert.Equal(31, f.Validation.Length));
            Assert.All(folds, f => Assert.Equal(72, f.Train.Length));
            Assert.Equal(Enumerable.Range(0, 103), folds.SelectMany(f => f.Validation).Distinct().OrderBy(r => r)); // every row held out once at least
        }

        [Fact]
        public void NetworksTakeTheSharesInTurnModelByModel()
        {
            var shares = HeldOutShares.Make(Rows(), 0.2, seed: 3, byClass: true, count: 2, "test");
            var (rows, validation) = shares.ForNetworks(4); // two models of two networks
            Assert.Equal(new[] { shares.TrainingRows[0], shares.TrainingRows[1], shares.TrainingRows[0], shares.TrainingRows[1] }, rows);
            Assert.Same(validation[0], validation[2]);
            Assert.NotEqual(validation[0].FeatureSample().Features.Take(20), validation[1].FeatureSample().Features.Take(20));
        }
    }
}
