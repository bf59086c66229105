using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>What a run produced: one trained network and one history per member.</summary>
    internal sealed record TrainingResult(NetworkWeights[] Members, List<MlpEpochMetrics>[] Histories);

    /// <summary>
    /// The training loop: the dataset lives in one tensor, each member draws its own shuffled order every
    /// epoch, and each mini-batch is one index_select — never a tensor per row. Every step runs in a dispose
    /// scope so native memory stays flat however long the run.
    /// </summary>
    internal static class NetworkTrainer
    {
        public static TrainingResult Train(NetworkArchitecture architecture, TrainingSettings settings, TrainingData data)
        {
            int members = settings.Seeds.Length;
            set_num_threads(settings.Threads);

            var generators = settings.Seeds.Select(s => new Generator(unchecked((ulong)(uint)s))).ToArray();
            // Dropout masks of all members come from one generator: one RNG call per layer and step.
            using var dropoutGenerator = new Generator(unchecked((ulong)(uint)settings.Seeds[0] * 0x9E3779B97F4A7C15UL + 1));
            using var features = tensor(data.Features.AsSpan(0, data.RowCount * data.FeatureCount).ToArray(), new long[] { data.RowCount, data.FeatureCount });
            using var labels = tensor(data.Labels.AsSpan(0, data.RowCount).ToArray().Select(l => (long)l).ToArray(), new long[] { data.RowCount });
            using var weights = data.Weights == null ? null : tensor(data.Weights.AsSpan(0, data.RowCount).ToArray(), new long[] { data.RowCount });
            using var network = FusedNetwork.Initialize(architecture, settings.WeightInitialization, generators);
            using var optimizer = Optimizers.Create(settings, network.Parameters);

            var histories = Enumerable.Range(0, members).Select(_ => new List<MlpEpochMetrics>()).ToArray();
            var total = Stopwatch.StartNew();
            try
            {
                for (int epoch = 1; epoch <= settings.Epochs; epoch++)
                {
                    var clock = Stopwatch.StartNew();
                    var (loss, accuracy) = RunEpoch(network, optimizer, settings, features, labels, weights, generators, dropoutGenerator);
                    for (int m = 0; m < members; m++)
                    {
                        var metrics = new MlpEpochMetrics
                        {
                            Epoch = epoch,
                            TrainingLoss = loss[m],
                            TrainingAccuracy = accuracy[m],
                            LearningRate = settings.LearningRate,
                            Duration = clock.Elapsed,
                            Elapsed = total.Elapsed,
                        };
                        histories[m].Add(metrics);
                        settings.OnEpoch?.Invoke(m, metrics);
                    }
                }
                return new TrainingResult(network.Snapshot(), histories);
            }
            finally
            {
                foreach (var g in generators)
                    g.Dispose();
            }
        }

        private static (double[] Loss, double[] Accuracy) RunEpoch(FusedNetwork network, optim.Optimizer optimizer, TrainingSettings settings,
            Tensor features, Tensor labels, Tensor weights, Generator[] generators, Generator dropoutGenerator)
        {
            int members = network.MemberCount;
            long rows = features.shape[0], width = features.shape[1];
            using var epochScope = NewDisposeScope();
            var order = settings.Shuffle
                ? stack(generators.Select(g => randperm(rows, generator: g)).ToArray())
                : arange(rows).expand(members, rows).contiguous();
            var lossSum = zeros(members, dtype: ScalarType.Float64);
            var correct = zeros(members, dtype: ScalarType.Int64);

            for (long start = 0; start < rows; start += settings.BatchSize)
            {
                settings.CancellationToken.ThrowIfCancellationRequested();
                settings.CheckAlive?.Invoke();
                long count = Math.Min(settings.BatchSize, rows - start);
                using var stepScope = NewDisposeScope();
                var index = order.narrow(1, start, count).reshape(-1);
                var x = features.index_select(0, index).view(members, count, width);
                var y = labels.index_select(0, index).view(members, count);

                var logits = network.Forward(x, training: true, dropoutGenerator);
                var rowLoss = nn.functional.log_softmax(logits, 2).gather(2, y.unsqueeze(2)).squeeze(2).neg();
                if (weights is not null)
                    rowLoss = rowLoss.mul(weights.index_select(0, index).view(members, count));
                // Keras semantics: mean over the batch of (weight × loss). Members' losses are summed: their gradients do not mix.
                var memberLoss = rowLoss.sum(1).div(count);

                optimizer.zero_grad();
                memberLoss.sum().backward();
                optimizer.step();

                using (no_grad())
                {
                    lossSum.add_(memberLoss.to(ScalarType.Float64), alpha: count);
                    correct.add_(logits.argmax(2).eq(y).sum(1));
                }
            }
            var loss = lossSum.div(rows).data<double>().ToArray();
            var accuracy = correct.to(ScalarType.Float64).div(rows).data<double>().ToArray();
            return (loss, accuracy);
        }
    }
}
