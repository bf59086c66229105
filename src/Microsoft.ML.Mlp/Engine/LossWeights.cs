using System.Linq;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>How much each row's loss counts: its example weight times its class's weight.</summary>
    internal static class LossWeights
    {
        /// <summary>Per-class loss weights (scikit-learn's 'balanced' over the whole source), or null when every class weighs 1.</summary>
        public static float[] PerClass(TrainingSettings settings, IRowSource source)
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
        public static float[] PerRow(TrainingData data, float[] classWeights)
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
