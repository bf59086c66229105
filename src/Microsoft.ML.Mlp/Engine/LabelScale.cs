namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// How a value label is standardised for training, label = output × <see cref="StandardDeviation"/> + <see cref="Mean"/>:
    /// regression trains on (label − mean) / standard deviation. Classification labels are class indices and are never scaled
    /// (<see cref="Identity"/>).
    /// </summary>
    internal readonly record struct LabelScale(double Mean, double StandardDeviation)
    {
        /// <summary>No scaling: mean 0, standard deviation 1.</summary>
        public static LabelScale Identity => new(0, 1);

        /// <summary>A scale from measured moments; a constant label (or an impossible standard deviation) gets 1.</summary>
        public static LabelScale Of(double mean, double standardDeviation) =>
            new(mean, standardDeviation > 1e-12 && !double.IsInfinity(standardDeviation) ? standardDeviation : 1);

        /// <summary>Rewrites the first <paramref name="rows"/> of <paramref name="labels"/> in place as (label − mean) / standard deviation.</summary>
        public void Standardise(float[] labels, int rows)
        {
            for (int i = 0; i < rows; i++)
                labels[i] = (float)((labels[i] - Mean) / StandardDeviation);
        }
    }
}
