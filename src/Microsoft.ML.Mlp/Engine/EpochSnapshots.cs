using System.Linq;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The members as managed arrays at one point of a run, each taken on first use only (a wide first layer is hundreds
    /// of MB) and then shared by whatever needs it: divergence rollback, validation, early stopping.
    /// </summary>
    internal sealed class EpochSnapshots
    {
        private readonly ITrainingNetwork _network;
        private readonly NetworkWeights[] _taken;

        public EpochSnapshots(ITrainingNetwork network, int members)
        {
            _network = network;
            _taken = new NetworkWeights[members];
        }

        /// <summary>Member <paramref name="member"/>, snapshot on first use.</summary>
        public NetworkWeights this[int member] => _taken[member] ??= _network.SnapshotMember(member);

        /// <summary>Every member, in order.</summary>
        public NetworkWeights[] All() => Enumerable.Range(0, _taken.Length).Select(m => this[m]).ToArray();
    }
}
