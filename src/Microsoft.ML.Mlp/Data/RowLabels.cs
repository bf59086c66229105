using System;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>The label (class index or value) and weight of every committed row, growing by doubling as rows arrive: what
    /// both row stores keep beside their features.</summary>
    internal sealed class RowLabels
    {
        private readonly int _maxRows;

        /// <summary>Room for <paramref name="capacity"/> rows at first; weights only when <paramref name="weighted"/>.</summary>
        public RowLabels(int capacity, bool weighted, int maxRows)
        {
            Labels = new float[capacity];
            Weights = weighted ? new float[capacity] : null;
            _maxRows = maxRows;
        }

        /// <summary>One label per row; longer than the row count while rows still arrive.</summary>
        public float[] Labels { get; private set; }

        /// <summary>One weight per row, or null when the rows are unweighted.</summary>
        public float[] Weights { get; private set; }

        /// <summary>Stores row <paramref name="row"/>'s label and weight; returns the new capacity when the arrays grew, else 0.</summary>
        public int Add(int row, float label, float weight)
        {
            int grown = 0;
            if (row == Labels.Length)
            {
                grown = (int)Math.Min(_maxRows, Labels.Length * 2L);
                var labels = Labels;
                Array.Resize(ref labels, grown);
                Labels = labels;
                if (Weights != null)
                {
                    var weights = Weights;
                    Array.Resize(ref weights, grown);
                    Weights = weights;
                }
            }
            Labels[row] = label;
            if (Weights != null)
                Weights[row] = weight;
            return grown;
        }
    }
}
