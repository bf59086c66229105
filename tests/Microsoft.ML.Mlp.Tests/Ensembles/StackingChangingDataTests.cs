using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Trainers;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Stacking ties out-of-fold predictions to rows by position, so data that reads differently on a later pass must be
    /// reported, not scored with holes.</summary>
    public class StackingChangingDataTests
    {
        /// <summary>All rows on the first pass (when the folds are made), the last <c>drop</c> rows missing on every later pass.</summary>
        private sealed class ShrinkingRows : IEnumerable<RegressionMlpTests.FriedmanRow>
        {
            private readonly RegressionMlpTests.FriedmanRow[] _rows;
            private readonly int _drop;
            private int _passes;

            public ShrinkingRows(RegressionMlpTests.FriedmanRow[] rows, int drop) => (_rows, _drop) = (rows, drop);

            public IEnumerator<RegressionMlpTests.FriedmanRow> GetEnumerator() =>
                _rows.Take(_passes++ == 0 ? _rows.Length : _rows.Length - _drop).GetEnumerator();

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }

        [Fact]
        public void DataThatLosesRowsAfterTheFoldsWereMadeIsReported()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(new ShrinkingRows(RegressionMlpTests.Friedman1(60, 5), drop: 6));
            IEstimator<ITransformer> Sdca() => ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1, MaximumNumberOfIterations = 5 });

            // Before: the members trained on fewer rows without a word, the rows missing from the out-of-fold pass kept
            // predictions of 0, and the meta-model learnt from those zeros.
            // (SDCA reads through ML.NET's shuffler, which wraps the error of the cursor it reads: ours is the innermost.)
            var ex = Assert.ThrowsAny<Exception>(() =>
                ml.Regression.Trainers.StackingEnsemble(new[] { Sdca(), Sdca() }, numberOfFolds: 3, seed: 1).Fit(data)).GetBaseException();
            Assert.IsType<InvalidOperationException>(ex);
            Assert.Contains("reads the same on every pass", ex.Message);
            Assert.Contains("gave 54 rows on a later pass, but 60 when the folds were made", ex.Message);
        }
    }
}
