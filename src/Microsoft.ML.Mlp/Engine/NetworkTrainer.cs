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
    /// The training loop, shared by both paths (<see cref="ITrainingNetwork"/>): epochs, per-member shuffling, learning-rate
    /// schedule, validation, early stopping, history. The dataset is read as contiguous rows — never a tensor per row —
    /// and every native object has an owner that an exception (cancellation) unwinds.
    /// </summary>
    internal static class NetworkTrainer
    {
        public static TrainingResult Train(NetworkArchitecture architecture, TrainingSettings settings, TrainingData data) =>
            Train(architecture, settings, new InMemoryRows(data));

        public static TrainingResult Train(NetworkArchitecture architecture, TrainingSettings settings, IRowSource source)
        {
            int members = settings.Seeds.Length;
            // libtorch's thread count is process-wide: set it for this fit and put the caller's back afterwards.
            int callerThreads = get_num_threads();
            set_num_threads(settings.MemberThreads > 1 ? 1 : settings.Threads);

            var generators = settings.Seeds.Select(s => new Generator(unchecked((ulong)(uint)s))).ToArray();
            ITrainingNetwork network = null;
            try
            {
                var initial = settings.InitialWeights ?? WeightInitializer.Initialize(architecture, settings.WeightInitialization, generators);
                var classWeights = ClassWeights(settings, source);
                var masks = new DropoutMasks(settings.Seeds[0]);
                TrainingData current = null;
                ITrainingNetwork Network(TrainingData block)
                {
                    if (ReferenceEquals(block, current))
                        return network; // in memory: the same single block every epoch
                    current = block;
                    var rowWeights = RowWeights(block, classWeights);
                    if (network == null)
                    {
                        network = settings.CreateNetwork(initial, block, rowWeights, masks);
                        if (settings.InitialWeights == null)
                            initial = null; // copied into the network; a wide first layer should not be held twice
                        return network;
                    }
                    network.SetData(block, rowWeights);
                    return network;
                }

                var schedule = new LearningRateSchedule(settings.Schedule, settings.LearningRate, settings.Epochs, settings.LearningRateDecay,
                    settings.LearningRateStepSize, settings.MinimumLearningRate, settings.ReduceOnPlateauPatience);
                var stoppers = settings.EarlyStoppingPatience is int patience
                    ? Enumerable.Range(0, members).Select(_ => new EarlyStopping(patience, settings.EarlyStoppingMinDelta)).ToArray()
                    : null;
                var histories = Enumerable.Range(0, members).Select(_ => new List<MlpEpochMetrics>()).ToArray();
                var divergence = new Divergence(settings);
                if (settings.InitialWeights != null)
                    divergence.EpochWasFinite(settings.EpochOffset, initial);
                NetworkWeights[] kept = null;
                var total = Stopwatch.StartNew();

                for (int e = 0; e < settings.Epochs; e++)
                {
                    var clock = Stopwatch.StartNew();
                    double rate = schedule.For(e);
                    // A member early stopping has settled keeps being stepped (members are fused) but its result is fixed:
                    // its divergence must not stop or roll back the others.
                    var settled = stoppers?.Select(s => s.Stopped).ToArray();
                    var (loss, accuracy, diverged) = RunEpoch(source, Network, settings, members, generators, rate, settled);
                    int epoch = settings.EpochOffset + e + 1;
                    if (diverged >= 0)
                    {
                        kept = divergence.Diverged(epoch, diverged, $"the training loss became {loss[diverged]}", rate);
                        break;
                    }
                    if (network.FirstNonFiniteMember(settled) is int bad and >= 0)
                    {
                        kept = divergence.Diverged(epoch, bad, "a weight became NaN or infinite", rate);
                        break;
                    }
                    // Members as managed arrays only where something needs them (a wide first layer is 100s of MB).
                    var snapshots = new NetworkWeights[members];
                    NetworkWeights Snapshot(int m) => snapshots[m] ??= network.SnapshotMember(m);
                    divergence.EpochWasFinite(epoch, settings.KeepLastFiniteWeights ? Enumerable.Range(0, members).Select(Snapshot).ToArray() : null);

                    ValidationResult[] validation = null;
                    if (settings.Validation != null)
                    {
                        validation = new ValidationResult[members];
                        for (int m = 0; m < members; m++)
                            validation[m] = settings.Objective.Evaluate(Snapshot(m), settings.Validation);
                    }

                    var monitored = new double[members];
                    for (int m = 0; m < members; m++)
                    {
                        // The metric is read only when something watches it, so a metric the validation rows cannot give (AUC of one
                        // class) fails clearly there and nowhere else.
                        monitored[m] = validation == null ? loss[m]
                            : stoppers != null || settings.Schedule == MlpLearningRateSchedule.ReduceOnPlateau ? validation[m].Monitored(settings.EarlyStoppingMetric)
                            : validation[m].Loss;
                        if (stoppers?[m].Stopped == true)
                            continue; // this member's result is already fixed; its later epochs are not its history
                        var metrics = new MlpEpochMetrics
                        {
                            Member = m,
                            Epoch = epoch,
                            TrainingLoss = loss[m],
                            TrainingAccuracy = accuracy[m],
                            ValidationLoss = validation?[m].Loss,
                            ValidationAccuracy = validation?[m].Accuracy,
                            ValidationAuc = validation?[m].Auc,
                            ValidationRmse = validation?[m].Rmse,
                            ValidationRSquared = validation?[m].RSquared,
                            LearningRate = rate,
                            Duration = clock.Elapsed,
                            Elapsed = total.Elapsed,
                        };
                        histories[m].Add(metrics);
                        settings.OnEpoch?.Invoke(m, metrics);
                        int member = m;
                        stoppers?[m].Observe(metrics.Epoch, monitored[m], () => Snapshot(member));
                    }
                    schedule.Observe(monitored.Average(), settings.EarlyStoppingMinDelta);
                    if (stoppers != null && stoppers.All(s => s.Stopped))
                        break;
                }
                var final = kept ?? Enumerable.Range(0, members).Select(network.SnapshotMember).ToArray();
                if (stoppers != null)
                    for (int m = 0; m < members; m++)
                        final[m] = stoppers[m].BestWeights ?? final[m]; // Keras restore_best_weights
                return new TrainingResult(final, histories);
            }
            finally
            {
                network?.Dispose();
                foreach (var g in generators)
                    g.Dispose();
                set_num_threads(callerThreads);
            }
        }

        /// <summary>
        /// One pass over the data, block by block: each member in its own shuffled order within the block (torch randperm with
        /// its own generator). Stops at the first step whose loss is not finite and returns that member as <c>Diverged</c>
        /// (−1 when none).
        /// </summary>
        private static (double[] Loss, double[] Accuracy, int Diverged) RunEpoch(IRowSource source, Func<TrainingData, ITrainingNetwork> network,
            TrainingSettings settings, int members, Generator[] generators, double learningRate, bool[] settled)
        {
            var lossSum = new double[members];
            var correct = new long[members];
            long total = 0;
            foreach (var block in source.Blocks())
            {
                var trainer = network(block);
                int rows = block.RowCount;
                var order = new int[members][];
                for (int m = 0; m < members; m++)
                {
                    if (settings.Shuffle)
                    {
                        using var permutation = randperm(rows, generator: generators[m]);
                        order[m] = permutation.data<long>().Select(r => (int)r).ToArray();
                    }
                    else
                    {
                        order[m] = Enumerable.Range(0, rows).ToArray();
                    }
                }
                var batch = new int[members * Math.Min(settings.BatchSize, rows)];
                for (int start = 0; start < rows; start += settings.BatchSize)
                {
                    settings.CancellationToken.ThrowIfCancellationRequested();
                    settings.CheckAlive?.Invoke();
                    int count = Math.Min(settings.BatchSize, rows - start);
                    for (int m = 0; m < members; m++)
                        Array.Copy(order[m], start, batch, m * count, count);
                    trainer.Step(batch.AsSpan(0, members * count), count, learningRate, lossSum, correct);
                    if (Divergence.FirstNonFinite(lossSum, settled) is int diverged and >= 0)
                        return (lossSum, null, diverged);
                }
                total += rows;
            }
            return (lossSum.Select(l => l / total).ToArray(), correct.Select(c => (double)c / total).ToArray(), -1);
        }

        /// <summary>Per-class loss weights (scikit-learn's 'balanced' over the whole source), or null when every class weighs 1.</summary>
        private static float[] ClassWeights(TrainingSettings settings, IRowSource source)
        {
            if (settings.ClassWeighting != MlpClassWeighting.Balanced || !settings.Objective.HasClasses)
                return null;
            int classCount = settings.Objective.OutputWidth;
            var counts = source.ClassCounts(classCount);
            long rows = counts.Sum(c => (long)c);
            int present = counts.Count(c => c > 0);
            var weights = new float[classCount];
            for (int c = 0; c < classCount; c++)
                weights[c] = counts[c] == 0 ? 0f : (float)rows / (present * counts[c]);
            return weights;
        }

        /// <summary>Example weight × class weight per row of a block, or null when every row weighs 1.</summary>
        private static float[] RowWeights(TrainingData data, float[] classWeights)
        {
            if (data.Weights == null && classWeights == null)
                return null;
            var rowWeights = new float[data.RowCount];
            for (int i = 0; i < data.RowCount; i++)
                rowWeights[i] = (data.Weights?[i] ?? 1f) * (classWeights?[(int)data.Labels[i]] ?? 1f);
            return rowWeights;
        }
    }
}
