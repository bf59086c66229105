using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>A dataset as contiguous managed memory: row-major features, 0-based class labels, optional row weights.</summary>
    internal sealed class TrainingData
    {
        public TrainingData(float[] features, int[] labels, float[] weights, int rowCount, int featureCount)
        {
            if (features.Length < (long)rowCount * featureCount || labels.Length < rowCount || (weights != null && weights.Length < rowCount))
                throw new ArgumentException("Buffers are shorter than rowCount × featureCount.");
            Features = features;
            Labels = labels;
            Weights = weights;
            RowCount = rowCount;
            FeatureCount = featureCount;
        }

        /// <summary>Row-major [RowCount, FeatureCount] (may be longer than needed).</summary>
        public float[] Features { get; }

        /// <summary>0-based class of each row.</summary>
        public int[] Labels { get; }

        /// <summary>Per-row loss weight, or null for all ones.</summary>
        public float[] Weights { get; }

        public int RowCount { get; }

        public int FeatureCount { get; }
    }
}
