using System;
using System.Globalization;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Watches a run for divergence — a training loss or weight that is no longer a finite number — and remembers the
    /// last epoch whose networks were all finite, so the run can either stop with a useful message or return those.
    /// </summary>
    internal sealed class Divergence
    {
        private readonly TrainingSettings _settings;

        public Divergence(TrainingSettings settings) => _settings = settings;

        /// <summary>Every member at the end of the last finite epoch (only kept when the settings ask for it), or null.</summary>
        public NetworkWeights[] LastFinite { get; private set; }

        /// <summary>The 1-based number of that epoch (history numbering), 0 when none.</summary>
        public int LastFiniteEpoch { get; private set; }

        /// <summary>The first member whose accumulated loss is NaN or ±∞, or −1; members marked in <paramref name="ignore"/>
        /// (those early stopping has settled) do not count.</summary>
        public static int FirstNonFinite(double[] lossSums, bool[] ignore = null)
        {
            for (int m = 0; m < lossSums.Length; m++)
                if (ignore?[m] != true && !double.IsFinite(lossSums[m]))
                    return m;
            return -1;
        }

        /// <summary>The first member with a NaN or ±∞ weight, bias, batch-norm parameter or running statistic, or −1.</summary>
        public static int FirstNonFinite(NetworkWeights[] members)
        {
            for (int m = 0; m < members.Length; m++)
                foreach (var layer in members[m].Layers)
                    if (!AllFinite(layer.Weight) || !AllFinite(layer.Bias) || !AllFinite(layer.Gamma) || !AllFinite(layer.Beta)
                        || !AllFinite(layer.RunningMean) || !AllFinite(layer.RunningVariance))
                        return m;
            return -1;
        }

        /// <summary>Records a finite epoch and its networks (given, and kept, only when the run may have to return them).</summary>
        public void EpochWasFinite(int epoch, NetworkWeights[] members)
        {
            LastFiniteEpoch = epoch;
            if (_settings.KeepLastFiniteWeights)
                LastFinite = members;
        }

        /// <summary>
        /// Looks at epoch <paramref name="epoch"/> once its pass is done: null when the loss of every member that counts and the
        /// network's weights are finite; otherwise what <see cref="Diverged"/> gives (the networks to keep, or an exception).
        /// Members marked in <paramref name="settled"/> (early stopping has fixed their result) do not count.
        /// </summary>
        public NetworkWeights[] CheckEpoch(int epoch, EpochTotals pass, ITrainingNetwork network, bool[] settled, double learningRate)
        {
            if (pass.Diverged >= 0)
                return Diverged(epoch, pass.Diverged, $"the training loss became {pass.Loss[pass.Diverged]}", learningRate);
            if (network.FirstNonFiniteMember(settled) is int bad and >= 0)
                return Diverged(epoch, bad, "a weight became NaN or infinite", learningRate);
            return null;
        }

        /// <summary>
        /// Called when epoch <paramref name="epoch"/> diverged: returns the networks to keep (and warns), or throws when the
        /// settings say so or no epoch ever finished finite.
        /// </summary>
        private NetworkWeights[] Diverged(int epoch, int member, string what, double learningRate)
        {
            string where = _settings.Seeds.Length > 1 ? $" (member {member})" : "";
            string rate = learningRate.ToString("G4", CultureInfo.InvariantCulture);
            string fixes = "Normalise the features (e.g. mlContext.Transforms.NormalizeMinMax or NormalizeMeanVariance before the trainer), "
                + $"lower LearningRate (now {rate}), or set GradientClipNorm (e.g. 1.0).";
            if (_settings.KeepLastFiniteWeights && LastFinite != null)
            {
                _settings.Warn?.Invoke($"training diverged in epoch {epoch}{where}: {what} at learning rate {rate}. Keeping the weights of epoch "
                    + $"{LastFiniteEpoch}, the last finite one, as asked (DivergenceHandling = KeepLastFiniteWeights). {fixes}");
                return LastFinite;
            }
            string keep = _settings.KeepLastFiniteWeights
                ? " No earlier epoch finished with finite weights, so there is nothing to keep."
                : " To keep the last finite epoch's weights instead, set DivergenceHandling = MlpDivergenceHandling.KeepLastFiniteWeights.";
            throw new InvalidOperationException($"MLP training diverged in epoch {epoch}{where}: {what} at learning rate {rate}. {fixes}{keep}");
        }

        private static bool AllFinite(float[] values) => values == null || FiniteValues.AllFinite(values);
    }
}
