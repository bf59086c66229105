using System.Collections.Generic;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Where the training loop reads its rows: all in memory (<see cref="InMemoryRows"/>, one block), or read again every
    /// epoch in blocks of bounded size when the data would not fit (the streaming reader on the ML.NET side). Rows are
    /// shuffled within each block; blocks come in the source's order.
    /// </summary>
    internal interface IRowSource
    {
        /// <summary>Width of every row.</summary>
        int FeatureCount { get; }

        /// <summary>One pass over the data, block by block. Every block but the last holds the same number of rows.</summary>
        IEnumerable<TrainingData> Blocks();

        /// <summary>Rows of each class over the whole source (labels 0..classCount-1).</summary>
        int[] ClassCounts(int classCount);

        /// <summary>Regression: mean and population standard deviation of the targets over the whole source, unweighted (a
        /// constant target gets 1), as they are before <see cref="ScaleTargets"/>.</summary>
        (double Mean, double Std) TargetMoments();

        /// <summary>Regression: from now on every block's targets read (target − <paramref name="mean"/>) / <paramref name="std"/>.</summary>
        void ScaleTargets(double mean, double std);
    }

    /// <summary>The target arithmetic every source shares.</summary>
    internal static class Targets
    {
        /// <summary>A standard deviation usable as a scale: a constant target (or an impossible one) gets 1.</summary>
        public static double UsableScale(double std) => std > 1e-12 && !double.IsInfinity(std) ? std : 1;

        /// <summary>Rewrites <paramref name="targets"/> in place as (target − mean) / std.</summary>
        public static void Scale(float[] targets, int rows, double mean, double std)
        {
            for (int i = 0; i < rows; i++)
                targets[i] = (float)((targets[i] - mean) / std);
        }
    }

    /// <summary>A dataset held in memory: a source of exactly one block, the data itself.</summary>
    internal sealed class InMemoryRows : IRowSource
    {
        public InMemoryRows(TrainingData data) => Data = data;

        public TrainingData Data { get; }

        public int FeatureCount => Data.FeatureCount;

        public IEnumerable<TrainingData> Blocks()
        {
            yield return Data;
        }

        public int[] ClassCounts(int classCount) => Data.ClassCounts(classCount);

        /// <summary>Two passes in double (mean, then squared deviations) over the rows held.</summary>
        public (double Mean, double Std) TargetMoments()
        {
            double mean = 0, squares = 0;
            for (int i = 0; i < Data.RowCount; i++)
                mean += Data.Targets[i];
            mean /= Data.RowCount;
            for (int i = 0; i < Data.RowCount; i++)
                squares += (Data.Targets[i] - mean) * (Data.Targets[i] - mean);
            return (mean, Targets.UsableScale(System.Math.Sqrt(squares / Data.RowCount)));
        }

        public void ScaleTargets(double mean, double std) => Targets.Scale(Data.Targets, Data.RowCount, mean, std);
    }
}
