using System.Linq;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Early stopping for every member of a run, one <see cref="EarlyStopping"/> each, or for none when it is off. A member
    /// that has stopped keeps being stepped (members are fused) but its result is fixed: its best epoch's weights.
    /// </summary>
    internal sealed class EarlyStoppingByMember
    {
        private readonly EarlyStopping[] _members; // null: early stopping is off

        /// <param name="patience">Epochs without improvement before a member stops; null turns early stopping off.</param>
        /// <param name="minDelta">The smallest decrease that counts as an improvement.</param>
        /// <param name="members">Members in the run.</param>
        public EarlyStoppingByMember(int? patience, double minDelta, int members)
        {
            if (patience is int epochs)
                _members = Enumerable.Range(0, members).Select(_ => new EarlyStopping(epochs, minDelta)).ToArray();
        }

        /// <summary>Early stopping is on.</summary>
        public bool Enabled => _members != null;

        /// <summary>Every member has stopped: the run can end.</summary>
        public bool AllStopped => _members != null && _members.All(s => s.Stopped);

        /// <summary>Member <paramref name="member"/> has stopped.</summary>
        public bool IsStopped(int member) => _members?[member].Stopped == true;

        /// <summary>Which members have stopped, as of now (a copy), or null when early stopping is off.</summary>
        public bool[] Settled() => _members?.Select(s => s.Stopped).ToArray();

        /// <summary>Feeds member <paramref name="member"/>'s monitored value (lower is better) of the epoch just finished;
        /// <paramref name="snapshot"/> gives its weights, taken only on improvement.</summary>
        public void Observe(int member, double lowerIsBetter, System.Func<NetworkWeights> snapshot) =>
            _members?[member].Observe(lowerIsBetter, snapshot);

        /// <summary>Keras' restore_best_weights: each member of <paramref name="final"/> that has a best epoch is replaced by that
        /// epoch's weights, in place. Returns <paramref name="final"/>.</summary>
        public NetworkWeights[] RestoreBest(NetworkWeights[] final)
        {
            if (_members != null)
                for (int m = 0; m < final.Length; m++)
                    final[m] = _members[m].BestWeights ?? final[m];
            return final;
        }
    }
}
