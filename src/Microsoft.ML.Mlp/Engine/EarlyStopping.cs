using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>Keras' EarlyStopping(restore_best_weights=True) for one member: remembers the best epoch's weights
    /// and says stop after <c>patience</c> epochs without an improvement larger than <c>minDelta</c>.</summary>
    internal sealed class EarlyStopping
    {
        private readonly int _patience;
        private readonly double _minDelta;
        private int _wait;

        public EarlyStopping(int patience, double minDelta)
        {
            _patience = patience;
            _minDelta = minDelta;
        }

        /// <summary>The best monitored value so far (lower is better).</summary>
        public double Best { get; private set; } = double.PositiveInfinity;

        /// <summary>The weights of the best epoch so far; null before the first epoch.</summary>
        public NetworkWeights BestWeights { get; private set; }

        /// <summary>True once <c>patience</c> epochs in a row brought no improvement.</summary>
        public bool Stopped { get; private set; }

        /// <summary>Records an epoch's monitored value (lower is better); <paramref name="snapshot"/> is taken only on improvement.</summary>
        public void Observe(double lowerIsBetter, Func<NetworkWeights> snapshot)
        {
            if (lowerIsBetter < Best - _minDelta || BestWeights == null)
            {
                Best = lowerIsBetter;
                BestWeights = snapshot();
                _wait = 0;
            }
            else if (++_wait >= _patience)
            {
                Stopped = true;
            }
        }
    }
}
