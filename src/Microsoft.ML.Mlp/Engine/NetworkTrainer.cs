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
    /// scope so native memory stays flat however long the run; an exception (cancellation) unwinds every owner.
    /// </summary>
    internal static class NetworkTrainer
    {
        /// <summary>Rows per forward pass when evaluating the validation set.</summary>
        private const int EvaluationChunk = 4096;

        public static TrainingResult Train(NetworkArchitecture architecture, TrainingSettings settings, TrainingData data)
        {
            int members = settings.Seeds.Length;
            set_num_threads(settings.Threads);

            var generators = settings.Seeds.Select(s => new Generator(unchecked((ulong)(uint)s))).ToArray();
            try
            {
                // Dropout masks of all members come from one generator: one RNG call per layer and step.
                using var dropoutGenerator = new Generator(unchecked((ulong)(uint)settings.Seeds[0] * 0x9E3779B97F4A7C15UL + 1));
                using var features = ToTensor(data.Features, data.RowCount, data.FeatureCount);
                using var labels = tensor(data.Labels.AsSpan(0, data.RowCount).ToArray().Select(l => (long)l).ToArray(), new long[] { data.RowCount });
                using var weights = RowWeights(settings, data, architecture.ClassCount);
                using var network = settings.InitialWeights != null
                    ? FusedNetwork.FromWeights(settings.InitialWeights)
                    : FusedNetwork.Initialize(architecture, settings.WeightInitialization, generators);
                using var optimizer = Optimizers.Create(settings, network.Parameters);
                using var validation = settings.Validation == null ? null : new ValidationSet(settings.Validation);

                var schedule = new LearningRateSchedule(settings.Schedule, settings.LearningRate, settings.Epochs, settings.LearningRateDecay,
                    settings.LearningRateStepSize, settings.MinimumLearningRate, settings.ReduceOnPlateauPatience);
                var stoppers = settings.EarlyStoppingPatience is int patience
                    ? Enumerable.Range(0, members).Select(_ => new EarlyStopping(patience, settings.EarlyStoppingMinDelta)).ToArray()
                    : null;
                var histories = Enumerable.Range(0, members).Select(_ => new List<MlpEpochMetrics>()).ToArray();
                var total = Stopwatch.StartNew();

                for (int e = 0; e < settings.Epochs; e++)
                {
                    var clock = Stopwatch.StartNew();
                    double rate = schedule.For(e);
                    foreach (var group in optimizer.ParamGroups)
                        group.LearningRate = rate;
                    var (loss, accuracy) = RunEpoch(network, optimizer, settings, features, labels, weights, generators, dropoutGenerator);
                    var (validationLoss, validationAccuracy) = validation?.Evaluate(network) ?? (null, null);

                    var monitored = new double[members];
                    for (int m = 0; m < members; m++)
                    {
                        monitored[m] = validation == null ? loss[m]
                            : settings.EarlyStoppingMetric == MlpEarlyStoppingMetric.ValidationAccuracy ? -validationAccuracy[m] : validationLoss[m];
                        if (stoppers?[m].Stopped == true)
                            continue; // this member's result is already fixed; its later epochs are not its history
                        var metrics = new MlpEpochMetrics
                        {
                            Epoch = settings.EpochOffset + e + 1,
                            TrainingLoss = loss[m],
                            TrainingAccuracy = accuracy[m],
                            ValidationLoss = validationLoss?[m],
                            ValidationAccuracy = validationAccuracy?[m],
                            LearningRate = rate,
                            Duration = clock.Elapsed,
                            Elapsed = total.Elapsed,
                        };
                        histories[m].Add(metrics);
                        settings.OnEpoch?.Invoke(m, metrics);
                        int member = m;
                        stoppers?[m].Observe(metrics.Epoch, monitored[m], () => network.SnapshotMember(member));
                    }
                    schedule.Observe(monitored.Average(), settings.EarlyStoppingMinDelta);
                    if (stoppers != null && stoppers.All(s => s.Stopped))
                        break;
                }
                var final = network.Snapshot();
                if (stoppers != null)
                    for (int m = 0; m < members; m++)
                        final[m] = stoppers[m].BestWeights ?? final[m]; // Keras restore_best_weights
                return new TrainingResult(final, histories);
            }
            finally
            {
                foreach (var g in generators)
                    g.Dispose();
            }
        }

        private static Tensor ToTensor(float[] values, int rows, int width) =>
            tensor(values.Length == rows * width ? values : values.AsSpan(0, rows * width).ToArray(), new long[] { rows, width });

        /// <summary>Example weight × class weight per row, or null when every row weighs 1.</summary>
        private static Tensor RowWeights(TrainingSettings settings, TrainingData data, int classCount)
        {
            if (data.Weights == null && settings.ClassWeighting == MlpClassWeighting.None)
                return null;
            var rowWeights = new float[data.RowCount];
            var classWeights = new float[classCount];
            Array.Fill(classWeights, 1f);
            if (settings.ClassWeighting == MlpClassWeighting.Balanced)
            {
                var counts = data.ClassCounts(classCount);
                int present = counts.Count(c => c > 0);
                for (int c = 0; c < classCount; c++)
                    classWeights[c] = counts[c] == 0 ? 0f : (float)data.RowCount / (present * counts[c]);
            }
            for (int i = 0; i < data.RowCount; i++)
                rowWeights[i] = (data.Weights?[i] ?? 1f) * classWeights[data.Labels[i]];
            return tensor(rowWeights, new long[] { data.RowCount });
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
                if (settings.GradientClipNorm is double maxNorm)
                    network.ClipGradientNorms(maxNorm);
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

        /// <summary>The validation rows as tensors, evaluated in inference mode over the whole set every epoch.</summary>
        private sealed class ValidationSet : IDisposable
        {
            private readonly Tensor _features;
            private readonly Tensor _labels;

            public ValidationSet(TrainingData data)
            {
                _features = ToTensor(data.Features, data.RowCount, data.FeatureCount);
                _labels = tensor(data.Labels.AsSpan(0, data.RowCount).ToArray().Select(l => (long)l).ToArray(), new long[] { data.RowCount });
            }

            /// <summary>Mean cross-entropy and accuracy per member.</summary>
            public (double[] Loss, double[] Accuracy) Evaluate(FusedNetwork network)
            {
                int members = network.MemberCount;
                long rows = _features.shape[0];
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var lossSum = zeros(members, dtype: ScalarType.Float64);
                var correct = zeros(members, dtype: ScalarType.Int64);
                for (long start = 0; start < rows; start += EvaluationChunk)
                {
                    long count = Math.Min(EvaluationChunk, rows - start);
                    var x = _features.narrow(0, start, count).unsqueeze(0).expand(members, count, _features.shape[1]);
                    var y = _labels.narrow(0, start, count).unsqueeze(0).expand(members, count);
                    var logits = network.Forward(x, training: false, dropoutGenerator: null);
                    lossSum.add_(nn.functional.log_softmax(logits, 2).gather(2, y.unsqueeze(2)).squeeze(2).neg().sum(1).to(ScalarType.Float64));
                    correct.add_(logits.argmax(2).eq(y).sum(1));
                }
                return (lossSum.div(rows).data<double>().ToArray(), correct.to(ScalarType.Float64).div(rows).data<double>().ToArray());
            }

            public void Dispose()
            {
                _features.Dispose();
                _labels.Dispose();
            }
        }
    }
}
