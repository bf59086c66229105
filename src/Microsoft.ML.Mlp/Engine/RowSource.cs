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

        /// <summary>Value labels (regression): mean and population standard deviation over the whole source, unweighted (a
        /// constant label gets 1), as they are before <see cref="ScaleLabels"/>.</summary>
        LabelScale LabelMoments();

        /// <summary>Value labels (regression): from now on every block's labels read (label − mean) / standard deviation.</summary>
        void ScaleLabels(LabelScale scale);

        /// <summary>The rows a <see cref="FeatureScaler"/> is fitted on, as read (before <see cref="ScaleFeatures"/>): all the
        /// rows held in memory, or the first block of a streamed source; null when there are none.</summary>
        TrainingData FeatureSample();

        /// <summary>From now on every block's features read as <paramref name="scaler"/> maps them, and
        /// <see cref="FeatureCount"/> is its output width: rows held in memory are rewritten once (in place, or into wider rows
        /// for an encoding); streamed rows as each block is read.</summary>
        void ScaleFeatures(FeatureScaler scaler);
    }

    /// <summary>A dataset held in memory: a source of exactly one block, the data itself.</summary>
    internal sealed class InMemoryRows : IRowSource
    {
        public InMemoryRows(TrainingData data) => Data = data;

        public TrainingData Data { get; private set; }

        public int FeatureCount => Data.FeatureCount;

        public IEnumerable<TrainingData> Blocks()
        {
            yield return Data;
        }

        public int[] ClassCounts(int classCount) => Data.ClassCounts(classCount);

        /// <summary>Two passes in double (mean, then squared deviations) over the rows held.</summary>
        public LabelScale LabelMoments()
        {
            double mean = 0, squares = 0;
            for (int i = 0; i < Data.RowCount; i++)
                mean += Data.Labels[i];
            mean /= Data.RowCount;
            for (int i = 0; i < Data.RowCount; i++)
                squares += (Data.Labels[i] - mean) * (Data.Labels[i] - mean);
            return LabelScale.Of(mean, System.Math.Sqrt(squares / Data.RowCount));
        }

        public void ScaleLabels(LabelScale scale) => scale.Standardise(Data.Labels, Data.RowCount);

        public TrainingData FeatureSample() => Data;

        /// <summary>In place (the rows are the fit's own copy, read from the data view), or into wider rows for an encoding.</summary>
        public void ScaleFeatures(FeatureScaler scaler) => Data = scaler.Apply(Data);
    }
}
