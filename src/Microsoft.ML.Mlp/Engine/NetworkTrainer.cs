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

        // Optimised from the first call: unoptimised code keeps every local and temporary alive to the method's end, which
        // would hold the dropped initial weights and the finished training network against LargeMemory.Release.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public static TrainingResult Train(NetworkArchitecture architecture, TrainingSettings settings, IRowSource source)
        {
            TrainingResult result;
            using (var threads = LibTorchThreads.For(settings))
            using (var generators = new MemberGenerators(settings.Seeds))
            using (var network = OpenNetwork(architecture, settings, source, generators))
                result = new TrainingLoop(settings, network).Run(source, generators.All);
            // The training network's weights are garbage now (its gradients and optimizer moments went at EndTraining); the
            // model is made next.
            LargeMemory.Release(1L * settings.Seeds.Length * (architecture?.ParameterCount ?? 0)); // (tests fake the network: no architecture)
            return result;
        }

        /// <summary>
        /// The run's network over fresh (or the warm start's) initial weights. The weights go to the network alone, which drops
        /// them once copied, so a wide first layer is not held twice; made in a frame of its own because Train's frame, with its
        /// using blocks, kept them reachable to its end (measured: 768 MiB of a text model's initial weights alive all through
        /// training).
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static LazyTrainingNetwork OpenNetwork(NetworkArchitecture architecture, TrainingSettings settings, IRowSource source, MemberGenerators generators) =>
            new(settings, settings.InitialWeights ?? WeightInitializer.Initialize(architecture, settings.WeightInitialization, generators.All),
                LossWeights.PerClass(settings, source));
    }
}
