using System;
using System.Collections.Generic;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// A training network with no network in it, for testing the training loop's parts alone: every step adds a scripted
    /// loss per row for each member and counts every row right; snapshots are tagged with their member and the steps
    /// taken so far, so a test can tell which epoch's weights came back.
    /// </summary>
    internal sealed class ScriptedNetwork : ITrainingNetwork
    {
        private static readonly NetworkArchitecture Shape = new(2, Array.Empty<int>(), 2, MlpActivation.Relu, false, 0f);
        private readonly Func<int, int, double> _lossPerRow;

        /// <param name="members">Members stepped together.</param>
        /// <param name="lossPerRow">(member, 0-based step) → that step's loss per row.</param>
        public ScriptedNetwork(int members, Func<int, int, double> lossPerRow)
        {
            MemberCount = members;
            _lossPerRow = lossPerRow;
        }

        public int MemberCount { get; }

        /// <summary>Plugs this network into a run (<see cref="TrainingSettings.NetworkFactory"/>).</summary>
        public TrainingNetworkFactory Factory => (_, _, _, _, _) => this;

        /// <summary>Steps taken so far.</summary>
        public int Steps { get; private set; }

        /// <summary>Each step's rows (all members) and learning rate.</summary>
        public List<(int[] Rows, double LearningRate)> StepLog { get; } = new();

        /// <summary>Blocks handed over by <see cref="SetData"/>, with their row weights.</summary>
        public List<(TrainingData Data, float[] RowWeights)> SetDataLog { get; } = new();

        /// <summary>Snapshots taken so far.</summary>
        public int SnapshotCount { get; private set; }

        /// <summary>The member whose weights read as non-finite, or −1.</summary>
        public int NonFiniteMember { get; set; } = -1;

        public bool Disposed { get; private set; }

        public void Step(ReadOnlySpan<int> rows, int count, double learningRate, double[] lossSum, long[] correct)
        {
            for (int m = 0; m < MemberCount; m++)
            {
                lossSum[m] += _lossPerRow(m, Steps) * count;
                correct[m] += count;
            }
            StepLog.Add((rows.ToArray(), learningRate));
            Steps++;
        }

        public void SetData(TrainingData data, float[] rowWeights) => SetDataLog.Add((data, rowWeights));

        public NetworkWeights SnapshotMember(int member)
        {
            SnapshotCount++;
            return Tagged(member, Steps);
        }

        public int FirstNonFiniteMember(bool[] ignore = null) =>
            NonFiniteMember >= 0 && ignore?[NonFiniteMember] != true ? NonFiniteMember : -1;

        public void Dispose() => Disposed = true;

        /// <summary>Weights that say whose they are: member <paramref name="member"/> after <paramref name="steps"/> steps.</summary>
        public static NetworkWeights Tagged(int member, int steps) =>
            new(Shape, new[] { new LayerWeights { Weight = new float[4], Bias = new float[] { member, steps } } });

        /// <summary>The (member, steps) a <see cref="Tagged"/> network carries.</summary>
        public static (int Member, int Steps) TagOf(NetworkWeights weights) => ((int)weights.Layers[0].Bias[0], (int)weights.Layers[0].Bias[1]);

        /// <summary><paramref name="rows"/> rows of width 2 with labels alternating 0, 1.</summary>
        public static TrainingData Rows(int rows, float[] weights = null)
        {
            var labels = new float[rows];
            for (int r = 0; r < rows; r++)
                labels[r] = r % 2;
            return new TrainingData(new float[rows * 2], labels, weights, rows, 2);
        }
    }
}
