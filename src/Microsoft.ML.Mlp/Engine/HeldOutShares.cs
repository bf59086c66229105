using System;
using System.Linq;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Rows held out network by network (cross-fitting): of rows held in memory, share j trains on all but its own held-out
    /// rows (<see cref="TrainingData.Folds"/>) and picks its best epoch on them, so networks averaged into one model have
    /// together learnt from every row.
    /// </summary>
    internal sealed class HeldOutShares
    {
        private HeldOutShares(int[][] trainingRows, IRowSource[] validation)
        {
            TrainingRows = trainingRows;
            Validation = validation;
        }

        /// <summary>Rows (indices into the data) share j trains on; every share as many.</summary>
        public int[][] TrainingRows { get; }

        /// <summary>Rows share j validates on.</summary>
        public IRowSource[] Validation { get; }

        /// <summary><paramref name="count"/> shares of <paramref name="data"/>, each holding out <paramref name="fraction"/> of it
        /// (of each class with <paramref name="byClass"/>), seeded.</summary>
        /// <exception cref="InvalidOperationException">A share would have no training or no validation rows.</exception>
        public static HeldOutShares Make(TrainingData data, double fraction, int seed, bool byClass, int count, string trainer)
        {
            var folds = data.Folds(fraction, seed, byClass, count);
            var (train, validation) = folds[0];
            if (train.Length == 0 || validation.Length == 0)
                throw new InvalidOperationException($"{trainer}: ValidationFraction {fraction} leaves {train.Length} training and {validation.Length} validation rows; use more data or another fraction.");
            return new HeldOutShares(folds.Select(f => f.Train).ToArray(), folds.Select(f => (IRowSource)new InMemoryRows(data.Subset(f.Validation))).ToArray());
        }

        /// <summary>Each of <paramref name="networks"/> fused networks' share: models of <see cref="TrainingRows"/>.Length
        /// networks each, network x taking share x mod that.</summary>
        public (int[][] Rows, IRowSource[] Validation) ForNetworks(int networks) =>
            (Enumerable.Range(0, networks).Select(x => TrainingRows[x % TrainingRows.Length]).ToArray(),
             Enumerable.Range(0, networks).Select(x => Validation[x % Validation.Length]).ToArray());
    }
}
