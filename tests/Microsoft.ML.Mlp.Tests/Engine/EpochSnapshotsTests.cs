using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary><see cref="EpochSnapshots"/> alone: each member is copied out once, on first use, and then shared.</summary>
    public class EpochSnapshotsTests
    {
        [Fact]
        public void TakesEachMemberOnceOnFirstUse()
        {
            var network = new ScriptedNetwork(3, (_, _) => 0);
            var snapshots = new EpochSnapshots(network, 3);
            Assert.Equal(0, network.SnapshotCount);

            var second = snapshots[1];
            Assert.Same(second, snapshots[1]);
            Assert.Equal(1, network.SnapshotCount);
            Assert.Equal(1, ScriptedNetwork.TagOf(second).Member);

            var all = snapshots.All();
            Assert.Equal(new[] { 0, 1, 2 }, System.Array.ConvertAll(all, w => ScriptedNetwork.TagOf(w).Member));
            Assert.Same(second, all[1]);
            Assert.Equal(3, network.SnapshotCount);
        }
    }
}
