using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Which of k folds each training row is held out in, as scikit-learn's StratifiedKFold (classification) and KFold
    /// (regression) with shuffle=True: rows are shuffled with a seeded generator within each class, then dealt to the folds
    /// in turn, so every fold holds about the same share of each class and the same seed gives the same folds.
    /// </summary>
    internal static class FoldAssignment
    {
        /// <summary>The fold of every row of <paramref name="data"/>, in its order.</summary>
        /// <param name="data">The training data, read once for its label.</param>
        /// <param name="task">The task: classification stratifies by the label, regression does not.</param>
        /// <param name="labelColumn">The label column.</param>
        /// <param name="folds">Number of folds, ≥ 2.</param>
        /// <param name="seed">Seed of the shuffle.</param>
        /// <param name="channel">Where a class with fewer rows than folds is reported.</param>
        /// <exception cref="InvalidOperationException">The data has fewer rows than folds.</exception>
        public static int[] Assign(IDataView data, MlpTask task, string labelColumn, int folds, int seed, IChannel channel)
        {
            var strata = ReadStrata(data, task, labelColumn);
            if (strata.Length < folds)
                throw new InvalidOperationException(
                    $"StackingEnsemble: numberOfFolds is {folds} but the training data has {strata.Length} row(s); every fold needs at least one held-out row. "
                    + $"Use numberOfFolds between 2 and {Math.Max(2, strata.Length)}, or train on more data.");
            var fold = new int[strata.Length];
            var random = new Random(seed);
            int next = 0;
            // Classes in a fixed order (not dictionary order) so the folds depend on the seed and the data only.
            foreach (var rows in strata.Select((stratum, row) => (stratum, row)).GroupBy(x => x.stratum, x => x.row).OrderBy(g => g.Key))
            {
                var shuffled = rows.ToArray();
                for (int i = shuffled.Length - 1; i > 0; i--)
                {
                    int j = random.Next(i + 1);
                    (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
                }
                // Dealing continues where the previous class stopped, so fold sizes differ by at most one row.
                foreach (int row in shuffled)
                    fold[row] = next++ % folds;
                if (task.HasClasses && shuffled.Length < folds)
                    channel.Warning(
                        "StackingEnsemble: label class {0} has only {1} row(s), fewer than numberOfFolds = {2}: some folds hold none of it out, and a member "
                        + "trained without that class's only row never predicts it. Stratification is best-effort (as scikit-learn's StratifiedKFold); "
                        + "use fewer folds or more rows of that class.", rows.Key, shuffled.Length, folds);
            }
            return fold;
        }

        /// <summary>One stratum per row, as the task reads its label (classification: the class; regression: one stratum).</summary>
        private static long[] ReadStrata(IDataView data, MlpTask task, string labelColumn)
        {
            var label = data.Schema[labelColumn];
            var strata = new List<long>();
            using var cursor = data.GetRowCursor(task.StratumColumns(label));
            var stratum = task.StratumReader(cursor, label);
            while (cursor.MoveNext())
                strata.Add(stratum());
            return strata.ToArray();
        }
    }
}
