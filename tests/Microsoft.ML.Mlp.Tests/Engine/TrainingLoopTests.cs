using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// The loop's parts together (<see cref="NetworkTrainer"/>, <see cref="TrainingLoop"/>) on a scripted network: one step
    /// per epoch whose loss per row is a given sequence, so early stopping, rollback, history and schedule can be checked
    /// epoch by epoch.
    /// </summary>
    public class TrainingLoopTests
    {
        /// <summary>Trains a scripted network whose member m has training loss <paramref name="losses"/>[m][epoch − 1], one epoch
        /// per loss; returns the result, the network, and the callback's and warnings' lines in order.</summary>
        private static (TrainingResult Result, ScriptedNetwork Network, List<string> Log) Train(double[][] losses, int? patience = null,
            bool keepLastFinite = false, MlpLearningRateSchedule schedule = MlpLearningRateSchedule.Constant, double learningRate = 0.001)
        {
            var network = new ScriptedNetwork(losses.Length, (m, step) => losses[m][step]);
            var log = new List<string>();
            var settings = new TrainingSettings
            {
                Objective = new SoftmaxObjective(2, reportsAuc: false),
                Seeds = Enumerable.Range(1, losses.Length).ToArray(),
                Epochs = losses[0].Length,
                BatchSize = 4, // the 4 rows: one step per epoch
                InitialWeights = Enumerable.Range(0, losses.Length).Select(m => ScriptedNetwork.Tagged(m, 0)).ToArray(),
                NetworkFactory = network.Factory,
                OnEpoch = (m, metrics) => log.Add($"member {m} epoch {metrics.Epoch}"),
                Warn = log.Add,
                EarlyStoppingPatience = patience,
                KeepLastFiniteWeights = keepLastFinite,
                Schedule = schedule,
                LearningRate = learningRate,
                LearningRateDecay = 0.5,
            };
            var result = NetworkTrainer.Train(architecture: null, settings, ScriptedNetwork.Rows(4)); // the initial weights give the shape
            return (result, network, log);
        }

        /// <summary>A shared batch order holds for every epoch but the last fifth (at least the last one), in which each member
        /// shuffles on its own (members stepped on the same last batches carry the same last noise: their errors correlate).</summary>
        [Fact]
        public void ASharedBatchOrderLeavesTheLastEpochToEachMembersOwnShuffle()
        {
            var network = new ScriptedNetwork(2, (_, _) => 1.0);
            var settings = new TrainingSettings
            {
                Objective = new SoftmaxObjective(2, reportsAuc: false),
                Seeds = new[] { 1, 2 },
                Epochs = 3,
                BatchSize = 16, // one step per epoch
                Shuffle = true,
                SharedBatchOrder = true,
                InitialWeights = new[] { ScriptedNetwork.Tagged(0, 0), ScriptedNetwork.Tagged(1, 0) },
                NetworkFactory = network.Factory,
            };
            NetworkTrainer.Train(architecture: null, settings, ScriptedNetwork.Rows(16));
            Assert.Equal(3, network.StepLog.Count);
            foreach (var step in network.StepLog.Take(2))
                Assert.Equal(step.Rows.Take(16), step.Rows.Skip(16));
            var last = network.StepLog[2].Rows;
            Assert.NotEqual(last.Take(16), last.Skip(16));
            Assert.Equal(Enumerable.Range(0, 16), last.Skip(16).OrderBy(r => r));
            Assert.Equal(new[] { 1, 1, 1, 1, 2, 2, 20 }, new[] { 1, 3, 5, 9, 10, 14, 100 }.Select(TrainingLoop.OwnOrderEpochs));
        }

        [Fact]
        public void PatienceTwoStopsAMemberAtTheRightEpochAndRestoresItsBestEpoch()
        {
            var (result, network, log) = Train(new[]
            {
                new[] { 1.0, 0.8, 0.9, 0.85, 0.7, 0.6 }, // best epoch 2; epochs 3 and 4 do not improve: stops after epoch 4
                new[] { 1.0, 0.9, 0.8, 0.7, 0.6, 0.5 },  // improves every epoch: runs all 6
            }, patience: 2);

            Assert.Equal(6, network.Steps);
            Assert.Equal(new[] { 1, 2, 3, 4 }, result.Histories[0].Select(h => h.Epoch));
            Assert.Equal(new[] { 1.0, 0.8, 0.9, 0.85 }, result.Histories[0].Select(h => h.TrainingLoss));
            Assert.Equal(Enumerable.Range(1, 6), result.Histories[1].Select(h => h.Epoch));
            Assert.Equal((0, 2), ScriptedNetwork.TagOf(result.Members[0])); // member 0 after epoch 2's step
            Assert.Equal((1, 6), ScriptedNetwork.TagOf(result.Members[1]));
            Assert.Equal(10, log.Count);
            Assert.Equal("member 1 epoch 6", log[^1]);
        }

        [Fact]
        public void TheRunEndsWhenEveryMemberHasStopped()
        {
            var (result, network, _) = Train(new[] { new[] { 1.0, 1.0, 1.0, 1.0, 1.0 } }, patience: 2);
            Assert.Equal(3, network.Steps);
            Assert.Equal(3, result.Histories[0].Count);
            Assert.Equal((0, 1), ScriptedNetwork.TagOf(result.Members[0]));
        }

        [Fact]
        public void ASettledMemberThatDivergesLaterDoesNotStopTheOthers()
        {
            var (result, network, _) = Train(new[]
            {
                new[] { 1.0, 1.0, 1.0, double.NaN, double.NaN }, // settles after epoch 3, then its (ignored) loss is NaN
                new[] { 1.0, 0.9, 0.8, 0.7, 0.6 },
            }, patience: 2);
            Assert.Equal(5, network.Steps);
            Assert.Equal(3, result.Histories[0].Count);
            Assert.Equal(5, result.Histories[1].Count);
            Assert.Equal((0, 1), ScriptedNetwork.TagOf(result.Members[0]));
        }

        [Fact]
        public void ADivergedEpochRollsBackToTheLastFiniteOneWhenAsked()
        {
            var (result, network, log) = Train(new[] { new[] { 1.0, 0.9, double.PositiveInfinity, 0.7 } }, keepLastFinite: true);
            Assert.Equal(3, network.Steps);
            Assert.Equal(new[] { 1, 2 }, result.Histories[0].Select(h => h.Epoch));
            Assert.Equal((0, 2), ScriptedNetwork.TagOf(result.Members[0]));
            Assert.Contains("diverged in epoch 3: the training loss became", log[^1]);
            Assert.Contains("Keeping the weights of epoch 2", log[^1]);
        }

        [Fact]
        public void EachEpochRunsAtTheSchedulesRateAndRecordsIt()
        {
            var (result, network, _) = Train(new[] { new[] { 1.0, 1.0, 1.0, 1.0 } }, schedule: MlpLearningRateSchedule.ExponentialDecay, learningRate: 0.8);
            Assert.Equal(new[] { 0.8, 0.4, 0.2, 0.1 }, network.StepLog.Select(s => s.LearningRate));
            Assert.Equal(new[] { 0.8, 0.4, 0.2, 0.1 }, result.Histories[0].Select(h => h.LearningRate));
        }
    }
}
