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
            var (train, validation) = Folds(fraction, seed, byClass, 1)[0];
            return (Subset(train), Subset(validation));
        }

        /// <summary>
        /// <paramref name="count"/> seeded held-out shares: each stratum's rows (a class with <paramref name="byClass"/>, else
        /// all rows) are shuffled once, and share j holds out the round(<paramref name="fraction"/> · n) of them from position
        /// j · round(fraction · n) on (wrapping around), so shares are disjoint while count · round(fraction · n) ≤ n in every
        /// stratum (count · fraction ≤ 1, up to rounding), and share 0 is
        /// <see cref="Split"/>'s. Every share trains on the same number of rows. Row indices ascending.
        /// </summary>
        public (int[] Train, int[] Validation)[] Folds(double fraction, int seed, bool byClass, int count)
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
            var folds = new (int[] Train, int[] Validation)[count];
            var shuffled = new System.Collections.Generic.List<System.Collections.Generic.List<int>>();
            foreach (var rows in strata.Values)
            {
                // Fisher–Yates with the split's own seed, then share j's window of round(fraction · n) rows of the class validates.
                for (int i = rows.Count - 1; i > 0; i--)
                {
                    int j = random.Next(i + 1);
                    (rows[i], rows[j]) = (rows[j], rows[i]);
                }
                shuffled.Add(rows);
            }
            var heldOut = new bool[RowCount];
            for (int f = 0; f < count; f++)
            {
                var validation = new System.Collections.Generic.List<int>();
                foreach (var rows in shuffled)
                {
                    int take = (int)Math.Round(fraction * rows.Count);
                    for (int i = 0; i < take; i++)
                        validation.Add(rows[(int)(((long)f * take + i) % rows.Count)]);
                }
                Array.Clear(heldOut);
                foreach (int row in validation)
                    heldOut[row] = true;
                validation.Sort();
                var train = new System.Collections.Generic.List<int>(RowCount - validation.Count);
                for (int i = 0; i < RowCount; i++)
                    if (!heldOut[i])
                        train.Add(i);
                folds[f] = (train.ToArray(), validation.ToArray());
            }
            return folds;
        }

        /// <summary>The given rows (indices ascending) as a dataset of their own.</summary>
        public TrainingData Subset(System.Collections.Generic.IReadOnlyList<int> rows)
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
