using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// A dataset as contiguous managed memory: features either dense row-major (<see cref="Features"/>) or as their
    /// non-zeros (<see cref="Sparse"/>), one label per row as the <see cref="Objective"/> reads it, optional row weights.
    /// </summary>
    internal sealed class TrainingData
    {
        public TrainingData(float[] features, float[] labels, float[] weights, int rowCount, int featureCount)
            : this(labels, weights, rowCount, featureCount)
        {
            if (features.Length < (long)rowCount * featureCount)
                throw new ArgumentException("Buffers are shorter than rowCount × featureCount.");
            Features = features;
        }

        public TrainingData(SparseRows sparse, float[] labels, float[] weights)
            : this(labels, weights, sparse.RowCount, sparse.Width)
        {
            Sparse = sparse;
        }

        private TrainingData(float[] labels, float[] weights, int rowCount, int featureCount)
        {
            if (labels.Length < rowCount || (weights != null && weights.Length < rowCount))
                throw new ArgumentException("Buffers are shorter than rowCount.");
            Labels = labels;
            Weights = weights;
            RowCount = rowCount;
            FeatureCount = featureCount;
        }

        /// <summary>Row-major [RowCount, FeatureCount] (may be longer than needed); null when the rows are <see cref="Sparse"/>.</summary>
        public float[] Features { get; }

        /// <summary>The rows as their non-zeros; null when they are dense <see cref="Features"/>.</summary>
        public SparseRows Sparse { get; }

        /// <summary>Writes row <paramref name="row"/> densely into <paramref name="destination"/> (FeatureCount values).</summary>
        public void CopyDenseRow(int row, Span<float> destination)
        {
            if (Sparse != null)
                Sparse.CopyDense(row, destination);
            else
                Features.AsSpan(row * FeatureCount, FeatureCount).CopyTo(destination);
        }

        /// <summary>The label of each row: a 0-based class index (classification) or the value (regression, standardised
        /// once the source's labels are scaled).</summary>
        public float[] Labels { get; }

        /// <summary>Per-row loss weight, or null for all ones.</summary>
        public float[] Weights { get; }

        public int RowCount { get; }

        public int FeatureCount { get; }

        /// <summary>Number of rows of each class (labels 0..classCount-1).</summary>
        public int[] ClassCounts(int classCount)
        {
            var counts = new int[classCount];
            for (int i = 0; i < RowCount; i++)
                counts[(int)Labels[i]]++;
            return counts;
        }

        /// <summary>A seeded split: about <paramref name="fraction"/> of the rows go to the second part; with
        /// <paramref name="byClass"/>, that fraction of each class (labels are class indices), else of all rows.</summary>
        public (TrainingData Train, TrainingData Validation) Split(double fraction, int seed, bool byClass)
        {
            var random = new Random(seed);
            var strata = new System.Collections.Generic.Dictionary<int, System.Collections.Generic.List<int>>();
            for (int i = 0; i < RowCount; i++)
            {
                int stratum = byClass ? (int)Labels[i] : 0;
                if (!strata.TryGetValue(stratum, out var rows))
                    strata[stratum] = rows = new System.Collections.Generic.List<int>();
                rows.Add(i);
            }
            var validation = new System.Collections.Generic.List<int>();
            var train = new System.Collections.Generic.List<int>();
            foreach (var rows in strata.Values)
            {
                // Fisher–Yates with the split's own seed, then the first round(fraction · n) rows of the class validate.
                for (int i = rows.Count - 1; i > 0; i--)
                {
                    int j = random.Next(i + 1);
                    (rows[i], rows[j]) = (rows[j], rows[i]);
                }
                int take = (int)Math.Round(fraction * rows.Count);
                validation.AddRange(rows.GetRange(0, take));
                train.AddRange(rows.GetRange(take, rows.Count - take));
            }
            train.Sort();
            validation.Sort();
            return (Subset(train), Subset(validation));
        }

        private TrainingData Subset(System.Collections.Generic.List<int> rows)
        {
            var labels = new float[rows.Count];
            var weights = Weights == null ? null : new float[rows.Count];
            for (int r = 0; r < rows.Count; r++)
            {
                labels[r] = Labels[rows[r]];
                if (weights != null)
                    weights[r] = Weights[rows[r]];
            }
            if (Sparse != null)
                return new TrainingData(Sparse.Subset(rows), labels, weights);
            var features = new float[rows.Count * FeatureCount];
            for (int r = 0; r < rows.Count; r++)
                Array.Copy(Features, (long)rows[r] * FeatureCount, features, (long)r * FeatureCount, FeatureCount);
            return new TrainingData(features, labels, weights, rows.Count, FeatureCount);
        }
    }
}
