using System.Collections.Generic;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>What a run produced: one trained network and one history per member.</summary>
    internal sealed record TrainingResult(NetworkWeights[] Members, List<MlpEpochMetrics>[] Histories);

    /// <summary>
    /// Trains one network per seed, shared by both paths (<see cref="ITrainingNetwork"/>). The dataset is read as contiguous
    /// rows — never a tensor per row — and every native object has an owner that an exception (cancellation) unwinds; the
    /// epochs themselves are <see cref="TrainingLoop"/>'s.
    /// </summary>
    internal static class NetworkTrainer
    {
        public static TrainingResult Train(NetworkArchitecture architecture, TrainingSettings settings, TrainingData data) =>
            Train(architecture, settings, new InMemoryRows(data));

        public static TrainingResult Train(NetworkArchitecture architecture, TrainingSettings settings, IRowSource source)
        {
            using var threads = LibTorchThreads.For(settings);
            using var generators = new MemberGenerators(settings.Seeds);
            // The initial weights go to the network alone, which drops them once copied: a wide first layer is not held twice.
            using var network = new LazyTrainingNetwork(settings,
                settings.InitialWeights ?? WeightInitializer.Initialize(architecture, settings.WeightInitialization, generators.All),
                LossWeights.PerClass(settings, source));
            return new TrainingLoop(settings, network).Run(source, generators.All);
        }
    }
}
