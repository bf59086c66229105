using System;
using System.Linq;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>What one pass over the data gave each member: mean training loss and accuracy, or, when a member's loss stopped
    /// being finite, that member as <paramref name="Diverged"/> (−1 when none) with the loss sums so far and no accuracy.</summary>
    internal readonly record struct EpochTotals(double[] Loss, double[] Accuracy, int Diverged);

    /// <summary>
    /// One pass over the data at one learning rate, block by block: each member in its own shuffled order within the block
    /// (torch randperm with its own generator), or all in member 0's (<see cref="TrainingSettings.SharedBatchOrder"/>, but for
    /// the last epochs: <see cref="TrainingLoop.OwnOrderEpochs"/>), every
    /// member stepped on every batch. Stops at the first step whose loss is not finite.
    /// </summary>
    internal sealed class EpochPass
    {
        private readonly TrainingSettings _settings;
        private readonly Generator[] _generators;
        private readonly double _learningRate;
        private readonly bool[] _settled;
        private readonly double[] _lossSum;
        private readonly long[] _correct;
        private readonly bool _share;

        /// <param name="settings">Batch size, shuffling and cancellation.</param>
        /// <param name="generators">One per member (<see cref="MemberGenerators"/>).</param>
        /// <param name="learningRate">The epoch's rate.</param>
        /// <param name="settled">Members whose loss no longer counts (early stopping has fixed their result), or null.</param>
        /// <param name="shareOrder">False: each member in its own order this epoch even with <see cref="TrainingSettings.SharedBatchOrder"/>
        /// (the last epochs of a shared order).</param>
        public EpochPass(TrainingSettings settings, Generator[] generators, double learningRate, bool[] settled, bool shareOrder = true)
        {
            _share = settings.SharedBatchOrder && shareOrder;
            if (settings.MemberRows != null && settings.SharedBatchOrder)
                throw new InvalidOperationException("Members with rows of their own cannot share one batch order.");
            _settings = settings;
            _generators = generators;
            _learningRate = learningRate;
            _settled = settled;
            _lossSum = new double[generators.Length];
            _correct = new long[generators.Length];
        }

        /// <summary>Runs the pass over <paramref name="source"/>, training <paramref name="network"/>.</summary>
        public EpochTotals Run(IRowSource source, LazyTrainingNetwork network)
        {
            long total = 0;
            int blocks = 0;
            foreach (var block in source.Blocks())
            {
                // Member rows index the one in-memory block: a second block would be other rows.
                if (_settings.MemberRows != null && ++blocks > 1)
                    throw new InvalidOperationException("Members with rows of their own need the rows in memory, as one block.");
                var trainer = network.For(block);
                // Members with rows of their own (held out member by member) train on as many rows each.
                int rows = _settings.MemberRows?[0].Length ?? block.RowCount;
                if (RunBlock(trainer, rows) is int diverged and >= 0)
                    return new EpochTotals(_lossSum, null, diverged);
                total += rows;
            }
            return new EpochTotals(_lossSum.Select(l => l / total).ToArray(), _correct.Select(c => (double)c / total).ToArray(), -1);
        }

        /// <summary>Every batch of one block; returns the first member whose loss is not finite, or −1.</summary>
        private int RunBlock(ITrainingNetwork trainer, int rows)
        {
            int members = _generators.Length, batchSize = _settings.BatchSize;
            var order = MemberOrders(rows);
            var batch = new int[members * Math.Min(batchSize, rows)];
            for (int start = 0; start < rows; start += batchSize)
            {
                _settings.CancellationToken.ThrowIfCancellationRequested();
                _settings.CheckAlive?.Invoke();
                int count = Math.Min(batchSize, rows - start);
                for (int m = 0; m < members; m++)
                    Array.Copy(order[m], start, batch, m * count, count);
                trainer.Step(batch.AsSpan(0, members * count), count, _learningRate, _lossSum, _correct);
                if (Divergence.FirstNonFinite(_lossSum, _settled) is int diverged and >= 0)
                    return diverged;
            }
            return -1;
        }

        /// <summary>Each member's order of the rows it trains on (the block's, or its own <see cref="TrainingSettings.MemberRows"/>):
        /// a permutation from its own generator (shared: member 0's for all), or in order unshuffled.</summary>
        private int[][] MemberOrders(int rows)
        {
            var order = new int[_generators.Length][];
            for (int m = 0; m < order.Length; m++)
            {
                int[] own = _settings.MemberRows?[m];
                if (m > 0 && _share)
                    order[m] = order[0];
                else if (_settings.Shuffle)
                {
                    using var permutation = randperm(rows, generator: _generators[m]);
                    order[m] = permutation.data<long>().Select(r => own == null ? (int)r : own[r]).ToArray();
                }
                else
                {
                    order[m] = own ?? Enumerable.Range(0, rows).ToArray();
                }
            }
            return order;
        }
    }
}
