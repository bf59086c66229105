using System;
using System.Linq;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The run's one training network, built when the first block of rows arrives (the network sizes its buffers from it)
    /// and moved to each later block when the rows stream in blocks. Owns the network.
    /// </summary>
    internal sealed class LazyTrainingNetwork : IDisposable
    {
        private readonly TrainingSettings _settings;
        private readonly float[] _classWeights;
        private readonly DropoutMasks _masks;
        private NetworkWeights[] _initial;
        private TrainingData _block;

        /// <param name="settings">The run's settings; they build the network (<see cref="TrainingSettings.CreateNetwork"/>).</param>
        /// <param name="initial">One network per member to start from; released once copied into the network.</param>
        /// <param name="classWeights">Per-class loss weights (<see cref="LossWeights.PerClass"/>), or null.</param>
        public LazyTrainingNetwork(TrainingSettings settings, NetworkWeights[] initial, float[] classWeights)
        {
            _settings = settings;
            _initial = initial;
            _classWeights = classWeights;
            _masks = new DropoutMasks(settings.Seeds[0]);
        }

        /// <summary>The network; null until the first block.</summary>
        public ITrainingNetwork Current { get; private set; }

        /// <summary>The network, training on <paramref name="block"/> from now on.</summary>
        public ITrainingNetwork For(TrainingData block)
        {
            if (ReferenceEquals(block, _block))
                return Current; // in memory: the same single block every epoch
            _block = block;
            var rowWeights = LossWeights.PerRow(block, _classWeights);
            if (Current == null)
            {
                // Collected only once no frame holds them: Create's frame is gone by then (an unoptimised frame here would
                // keep its temporaries, the initial weights among them, alive to its end).
                LargeMemory.Release(Create(block, rowWeights));
            }
            else
            {
                Current.SetData(block, rowWeights);
            }
            return Current;
        }

        /// <summary>Builds the network from the initial weights and drops them (copied into it; a wide first layer should not
        /// be held twice); returns how many floats became garbage (none for a warm start: they are the initial model's own).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private long Create(TrainingData block, float[] rowWeights)
        {
            Current = _settings.CreateNetwork(_initial, block, rowWeights, _masks);
            long dropped = _settings.InitialWeights != null ? 0 : _initial?.Sum(w => w.Architecture.ParameterCount) ?? 0;
            _initial = null;
            return dropped;
        }

        public void Dispose() => Current?.Dispose();
    }
}
