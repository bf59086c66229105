using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary><see cref="EpochPass"/> alone, on a scripted network: the batches it cuts, the means it returns, where it stops.</summary>
    public class EpochPassTests
    {
        /// <summary>Rows that arrive in the given blocks.</summary>
        private sealed class BlockRows : IRowSource
        {
            private readonly TrainingData[] _blocks;

            public BlockRows(params TrainingData[] blocks) => _blocks = blocks;

            public int FeatureCount => 2;

            public IEnumerable<TrainingData> Blocks() => _blocks;

            public int[] ClassCounts(int classCount) => throw new System.NotSupportedException();

            public LabelScale LabelMoments() => throw new System.NotSupportedException();

            public void ScaleLabels(LabelScale scale) => throw new System.NotSupportedException();

            public TrainingData FeatureSample() => throw new System.NotSupportedException();

            public void ScaleFeatures(FeatureScaler scaler) => throw new System.NotSupportedException();
        }

        private static TrainingSettings Settings(ScriptedNetwork scripted, int batchSize, bool shuffle = false, bool shared = false) =>
            new() { Seeds = new[] { 1, 2 }, BatchSize = batchSize, Shuffle = shuffle, SharedBatchOrder = shared, NetworkFactory = scripted.Factory };

        private static EpochTotals Run(TrainingSettings settings, IRowSource source, double rate = 0.1, bool[] settled = null, bool shareOrder = true)
        {
            using var generators = new MemberGenerators(settings.Seeds);
            using var network = new LazyTrainingNetwork(settings, initial: null, classWeights: null);
            return new EpochPass(settings, generators.All, rate, settled, shareOrder).Run(source, network);
        }

        [Fact]
        public void CutsEachBlockIntoBatchesPerMemberAndAveragesOverAllRows()
        {
            var scripted = new ScriptedNetwork(2, (m, step) => m == 0 ? 1.0 : step);
            var pass = Run(Settings(scripted, batchSize: 2), new BlockRows(ScriptedNetwork.Rows(5), ScriptedNetwork.Rows(3)), rate: 0.25);

            // Block 1: rows 0-1, 2-3, 4; block 2: rows 0-1, 2. Each step holds member 0's rows, then member 1's.
            Assert.Equal(new[] { new[] { 0, 1, 0, 1 }, new[] { 2, 3, 2, 3 }, new[] { 4, 4 }, new[] { 0, 1, 0, 1 }, new[] { 2, 2 } },
                scripted.StepLog.Select(s => s.Rows));
            Assert.All(scripted.StepLog, s => Assert.Equal(0.25, s.LearningRate));
            Assert.Equal(-1, pass.Diverged);
            Assert.Equal(1.0, pass.Loss[0]);
            Assert.Equal((0 * 2 + 1 * 2 + 2 * 1 + 3 * 2 + 4 * 1) / 8.0, pass.Loss[1]);
            Assert.Equal(new[] { 1.0, 1.0 }, pass.Accuracy);
        }

        [Fact]
        public void ShufflesEachMemberWithItsOwnGenerator()
        {
            int[] Orders(ScriptedNetwork s) => s.StepLog.Single().Rows;
            var first = new ScriptedNetwork(2, (_, _) => 0);
            var again = new ScriptedNetwork(2, (_, _) => 0);
            Run(Settings(first, batchSize: 16, shuffle: true), new InMemoryRows(ScriptedNetwork.Rows(16)));
            Run(Settings(again, batchSize: 16, shuffle: true), new InMemoryRows(ScriptedNetwork.Rows(16)));

            Assert.Equal(Orders(first), Orders(again)); // same seeds, same orders
            Assert.Equal(Enumerable.Range(0, 16), Orders(first).Take(16).OrderBy(r => r));
            Assert.Equal(Enumerable.Range(0, 16), Orders(first).Skip(16).OrderBy(r => r));
            Assert.NotEqual(Orders(first).Take(16), Orders(first).Skip(16));
        }

        [Fact]
        public void ASharedBatchOrderGivesEveryMemberTheFirstMembersShuffle()
        {
            var alone = new ScriptedNetwork(2, (_, _) => 0);
            var shared = new ScriptedNetwork(2, (_, _) => 0);
            Run(Settings(alone, batchSize: 4, shuffle: true), new InMemoryRows(ScriptedNetwork.Rows(16)));
            Run(Settings(shared, batchSize: 4, shuffle: true, shared: true), new InMemoryRows(ScriptedNetwork.Rows(16)));

            Assert.Equal(4, shared.StepLog.Count);
            foreach (var (own, step) in alone.StepLog.Zip(shared.StepLog))
            {
                Assert.Equal(own.Rows.Take(4), step.Rows.Take(4)); // member 0 keeps its own shuffle …
                Assert.Equal(step.Rows.Take(4), step.Rows.Skip(4)); // … and member 1 reads the same rows
            }
            Assert.NotEqual(alone.StepLog.SelectMany(s => s.Rows.Skip(4)), shared.StepLog.SelectMany(s => s.Rows.Skip(4)));
            Assert.Equal(Enumerable.Range(0, 16), shared.StepLog.SelectMany(s => s.Rows.Take(4)).OrderBy(r => r));

            // The epoch that does not share (a shared order's last): every member in its own shuffle, as alone.
            var last = new ScriptedNetwork(2, (_, _) => 0);
            Run(Settings(last, batchSize: 4, shuffle: true, shared: true), new InMemoryRows(ScriptedNetwork.Rows(16)), shareOrder: false);
            Assert.Equal(alone.StepLog.Select(s => s.Rows), last.StepLog.Select(s => s.Rows));
        }

        [Fact]
        public void MembersWithRowsOfTheirOwnTrainOnThoseAloneEachInItsOwnShuffle()
        {
            var own = new ScriptedNetwork(2, (m, _) => m);
            var alone = new ScriptedNetwork(2, (_, _) => 0);
            var settings = new TrainingSettings
            {
                Seeds = new[] { 1, 2 }, BatchSize = 3, NetworkFactory = own.Factory,
                MemberRows = new[] { new[] { 0, 2, 4, 6, 8, 10 }, new[] { 1, 3, 5, 7, 9, 11 } },
            };
            var pass = Run(settings, new InMemoryRows(ScriptedNetwork.Rows(12)));
            Run(Settings(alone, batchSize: 3, shuffle: true), new InMemoryRows(ScriptedNetwork.Rows(6)));

            // Two steps of 3 rows per member: member 0 reads each even row once, member 1 each odd row, ...
            Assert.Equal(2, own.Steps);
            Assert.Equal(settings.MemberRows[0], own.StepLog.SelectMany(s => s.Rows.Take(3)).OrderBy(r => r));
            Assert.Equal(settings.MemberRows[1], own.StepLog.SelectMany(s => s.Rows.Skip(3)).OrderBy(r => r));
            // ... in the order its generator would shuffle that many rows of a block of their own.
            foreach (var (mine, single) in own.StepLog.Zip(alone.StepLog))
                for (int m = 0; m < 2; m++)
                    Assert.Equal(single.Rows.Skip(3 * m).Take(3).Select(r => settings.MemberRows[m][r]), mine.Rows.Skip(3 * m).Take(3));
            Assert.Equal(new[] { 0.0, 1.0 }, pass.Loss); // means over the 6 rows each member trained on
        }

        [Fact]
        public void RowsOfTheirOwnAreRefusedWithASharedOrderOrSeveralBlocks()
        {
            var rows = new[] { new[] { 0, 1 }, new[] { 2, 3 } };
            var shared = new TrainingSettings { Seeds = new[] { 1, 2 }, BatchSize = 2, SharedBatchOrder = true, MemberRows = rows };
            using var generators = new MemberGenerators(shared.Seeds);
            Assert.Throws<System.InvalidOperationException>(() => new EpochPass(shared, generators.All, 0.1, null));
            var blocks = new ScriptedNetwork(2, (_, _) => 0);
            var settings = new TrainingSettings { Seeds = new[] { 1, 2 }, BatchSize = 2, NetworkFactory = blocks.Factory, MemberRows = rows };
            Assert.Throws<System.InvalidOperationException>(() => Run(settings, new BlockRows(ScriptedNetwork.Rows(4), ScriptedNetwork.Rows(4))));
        }

        [Fact]
        public void StopsAtTheFirstStepWhoseLossIsNotFinite()
        {
            var scripted = new ScriptedNetwork(2, (m, step) => m == 1 && step == 1 ? double.NaN : 1);
            var pass = Run(Settings(scripted, batchSize: 2), new InMemoryRows(ScriptedNetwork.Rows(8)));
            Assert.Equal(1, pass.Diverged);
            Assert.Equal(2, scripted.Steps);
            Assert.True(double.IsNaN(pass.Loss[1]));
            Assert.Null(pass.Accuracy);
        }

        [Fact]
        public void ASettledMembersLossDoesNotStopThePass()
        {
            var scripted = new ScriptedNetwork(2, (m, step) => m == 1 && step == 1 ? double.NaN : 1);
            var pass = Run(Settings(scripted, batchSize: 2), new InMemoryRows(ScriptedNetwork.Rows(8)), settled: new[] { false, true });
            Assert.Equal(-1, pass.Diverged);
            Assert.Equal(4, scripted.Steps);
            Assert.Equal(1.0, pass.Loss[0]);
        }
    }
}
