using System;
using System.Collections.Generic;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>
    /// Training rows that do not fit the memory budget: every epoch (and every validation pass) reads the IDataView
    /// again, <see cref="BlockRows"/> usable rows at a time, and hands each block to the training loop, which shuffles
    /// within it. Memory then holds about two blocks, whatever the number of rows. Blocks follow the data view's order:
    /// for data sorted by class, shuffle it first (e.g. <c>mlContext.Data.ShuffleRows</c>).
    /// </summary>
    internal sealed class StreamingRows : IRowSource
    {
        private readonly RoleMappedData _data;
        private readonly MlpTask _task;
        private readonly int _outputWidth;
        private readonly bool _sparse;
        private readonly double? _density;
        private readonly IChannel _channel;
        private readonly string _trainer;
        private readonly Func<long, bool> _take;
        private bool _reported;
        private LabelScale? _labelScale;
        private FeatureScaler _featureScaler;
        private readonly int _inputWidth;

        /// <param name="data">The role-mapped data view, read again at every pass.</param>
        /// <param name="task">How rows read their label.</param>
        /// <param name="outputWidth">The network's output width (the class count for classification).</param>
        /// <param name="sparse">Keep each block's rows sparse (their non-zeros) rather than dense.</param>
        /// <param name="blockRows">Usable rows per block (a whole number of batches).</param>
        /// <param name="channel">Where the skipped-row warning goes.</param>
        /// <param name="trainer">Trainer name for messages.</param>
        /// <param name="density">The measured fraction of non-zeros: sparse blocks are sized for it (null: grown as they fill).</param>
        /// <param name="take">Which rows (by position in the data view) belong to this source; null = all.</param>
        public StreamingRows(RoleMappedData data, MlpTask task, int outputWidth, bool sparse, int blockRows, IChannel channel, string trainer, Func<long, bool> take = null,
            double? density = null)
        {
            _density = density;
            _data = data;
            _task = task;
            _outputWidth = outputWidth;
            _sparse = sparse;
            BlockRows = blockRows;
            _channel = channel;
            _trainer = trainer;
            _take = take;
            _inputWidth = data.Schema.Feature.Value.Type.GetVectorSize();
        }

        public int BlockRows { get; }

        public int FeatureCount => _featureScaler?.OutputWidth ?? _inputWidth;

        public IEnumerable<TrainingData> Blocks()
        {
            using var cursor = NewCursor();
            long kept = 0;
            while (true)
            {
                var store = DatasetReader.NewStore(_data, _sparse, BlockRows, _trainer, _density);
                while (store.RowCount < BlockRows && cursor.MoveNextInto(store, _take))
                {
                }
                if (store.RowCount == 0)
                    break;
                kept += store.RowCount;
                bool last = store.RowCount < BlockRows;
                var block = store.ToTrainingData();
                _labelScale?.Standardise(block.Labels, block.RowCount);
                block = _featureScaler?.Apply(block) ?? block;
                yield return block;
                if (last)
                    break;
            }
            if (!_reported) // the skipped-row warning once, not every epoch
            {
                cursor.Report((int)Math.Min(kept, int.MaxValue), _channel, _trainer);
                _reported = true;
            }
        }

        public int[] ClassCounts(int classCount)
        {
            var counter = new LabelCounter(classCount);
            using var cursor = NewCursor();
            while (cursor.MoveNextInto(counter, _take))
            {
            }
            return counter.Counts;
        }

        /// <summary>One pass over the usable rows' labels: Welford's mean and variance, in double.</summary>
        public LabelScale LabelMoments()
        {
            var counter = new LabelCounter(0);
            using var cursor = NewCursor();
            double mean = 0, squares = 0;
            long n = 0;
            while (cursor.MoveNextInto(counter, _take))
            {
                double delta = cursor.Label - mean;
                mean += delta / ++n;
                squares += delta * (cursor.Label - mean);
            }
            return LabelScale.Of(mean, n == 0 ? 1 : Math.Sqrt(squares / n));
        }

        public void ScaleLabels(LabelScale scale) => _labelScale = scale;

        /// <summary>The first block (one extra read of it): the rows a streamed fit's feature scaler is fitted on.</summary>
        public TrainingData FeatureSample()
        {
            foreach (var block in Blocks())
                return block;
            return null;
        }

        public void ScaleFeatures(FeatureScaler scaler) => _featureScaler = scaler;

        private TrainingRowCursor NewCursor() => new(_data, _task, _outputWidth);

        /// <summary>A store that keeps nothing but how many usable rows each class has (none counted for <c>classCount</c> 0).</summary>
        private sealed class LabelCounter : IRowStore
        {
            public LabelCounter(int classCount) => Counts = new int[classCount];

            public int[] Counts { get; }

            public int RowCount { get; private set; }

            public bool TryWriteDense(ReadOnlySpan<float> values) => FiniteValues.AllFinite(values);

            public bool TryWriteSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> values) => FiniteValues.AllFinite(values);

            public void Commit(float label, float weight)
            {
                if (Counts.Length > 0)
                    Counts[(int)label]++;
                RowCount++;
            }

            public TrainingData ToTrainingData() => throw new NotSupportedException();
        }
    }
}
