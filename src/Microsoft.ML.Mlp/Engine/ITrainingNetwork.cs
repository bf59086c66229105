using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// A training path the loop (<see cref="TrainingLoop"/>, batch by batch in <see cref="EpochPass"/>) steps:
    /// <see cref="FastTrainingNetwork"/> (hand-derived backward pass, flat parameters, managed optimizer) in the package, and
    /// the tests' autograd reference (torch autograd and optimizers), plugged in through
    /// <see cref="TrainingSettings.NetworkFactory"/>. Both see the same batches and dropout masks and keep parameters in the
    /// same flat layout (<see cref="FlatLayout"/>), so a test can compare their gradients and updates step by step.
    /// </summary>
    internal interface ITrainingNetwork : IDisposable
    {
        int MemberCount { get; }

        /// <summary>One optimisation step. <paramref name="rows"/> holds member m's batch rows at [m·count, (m+1)·count).
        /// Adds each member's summed weighted loss and correct predictions to the accumulators.</summary>
        void Step(ReadOnlySpan<int> rows, int count, double learningRate, double[] lossSum, long[] correct);

        /// <summary>Trains on another block of rows from now on (streaming): same width and storage (dense or sparse),
        /// at most as many rows per batch as the first block allowed.</summary>
        void SetData(TrainingData data, float[] rowWeights);

        /// <summary>Member <paramref name="member"/> as managed arrays (kernels [out, in]).</summary>
        NetworkWeights SnapshotMember(int member);

        /// <summary>The run takes no more steps: what only stepping needs (gradients, optimizer state) may go before the final
        /// snapshot is taken, so a wide network's result is not copied beside them. Snapshots still work.</summary>
        void EndTraining() { }

        /// <summary>The first member with a NaN or ±∞ parameter or batch-norm statistic, or −1; members marked in
        /// <paramref name="ignore"/> are not looked at.</summary>
        int FirstNonFiniteMember(bool[] ignore = null);
    }

    /// <summary>Builds an <see cref="ITrainingNetwork"/> from the initial members (copied, not kept) and the first block of
    /// rows. A delegate, so that tests can swap in a network the package does not contain.</summary>
    internal delegate ITrainingNetwork TrainingNetworkFactory(NetworkWeights[] members, TrainingSettings settings, TrainingData data,
        float[] rowWeights, DropoutMasks masks);
}
