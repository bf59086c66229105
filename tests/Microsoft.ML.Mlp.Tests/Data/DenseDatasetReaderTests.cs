using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>IDataView → training memory: the vectorised finiteness check, the row store, and the skip counts
    /// against ML.NET's rules (label checked first, then weight, then features; weights must be in (0, ∞)).</summary>
    public class DenseDatasetReaderTests
    {
        [Fact]
        public void FiniteCheckFindsEveryNonFiniteValueAtEveryPosition()
        {
            foreach (int length in new[] { 0, 1, 7, 8, 9, 16, 31, 33, 784 })
            {
                var values = Enumerable.Range(0, length).Select(i => (i % 5 - 2) * 1e30f + float.Epsilon * i).ToArray();
                var copy = new float[length];
                Assert.True(FiniteValues.CopyAndCheck(values, copy));
                Assert.Equal(values, copy);
                Assert.True(FiniteValues.AllFinite(values));
                for (int position = 0; position < length; position += Math.Max(1, length / 40))
                    foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(-1) })
                    {
                        var row = (float[])values.Clone();
                        row[position] = bad;
                        Assert.False(FiniteValues.CopyAndCheck(row, copy), $"length {length}, {bad} at {position}");
                        Assert.False(FiniteValues.AllFinite(row), $"length {length}, {bad} at {position}");
                        Assert.Equal(BitConverter.SingleToInt32Bits(bad), BitConverter.SingleToInt32Bits(copy[position]));
                    }
            }
            Assert.True(FiniteValues.AllFinite(new[] { float.MaxValue, float.MinValue, float.Epsilon, -0f }));
        }

        [Fact]
        public void RowStoreJoinsBlocksInOrderAndRejectedRowsLeaveNoTrace()
        {
            // 2 rows per block, unknown count: rows cross three block boundaries; a rejected dense row is followed by
            // a sparse row in the same slot, which must not inherit its values.
            var store = new DenseRowStore(width: 5, weighted: true, knownRowCount: null, trainer: "test", blockFloats: 10);
            var expected = new List<float[]>();
            void Dense(float[] row, int label)
            {
                Assert.True(store.TryWriteDense(row));
                store.Commit(label, label + 0.5f);
                expected.Add(row);
            }
            Dense(new float[] { 1, 2, 3, 4, 5 }, 0);
            Assert.False(store.TryWriteDense(new float[] { 9, 9, float.NaN, 9, 9 }));
            Assert.True(store.TryWriteSparse(new[] { 1, 4 }, new float[] { 7, 8 }));
            store.Commit(1, 1.5f);
            expected.Add(new float[] { 0, 7, 0, 0, 8 });
            Assert.False(store.TryWriteSparse(new[] { 0 }, new[] { float.PositiveInfinity }));
            for (int r = 2; r < 7; r++)
                Dense(Enumerable.Range(0, 5).Select(i => (float)(10 * r + i)).ToArray(), r);
            Assert.False(store.TryWriteDense(new float[] { float.NaN, 1, 1, 1, 1 })); // last slot rejected

            var data = store.ToTrainingData();
            Assert.Equal(7, data.RowCount);
            Assert.Equal(7 * 5, data.Features.Length);
            Assert.Equal(expected.SelectMany(r => r), data.Features);
            Assert.Equal(Enumerable.Range(0, 7).Select(l => (float)l), data.Labels.Take(7));
            Assert.Equal(Enumerable.Range(0, 7).Select(l => l + 0.5f), data.Weights.Take(7));
        }

        [Fact]
        public void RowStoreWithAKnownCountFillsOneArrayAndClearsARejectedLastRow()
        {
            var store = new DenseRowStore(width: 3, weighted: false, knownRowCount: 3, trainer: "test", blockFloats: 3);
            Assert.True(store.TryWriteDense(new float[] { 1, 2, 3 }));
            store.Commit(2, 1);
            Assert.True(store.TryWriteSparse(new[] { 2 }, new float[] { 4 }));
            store.Commit(1, 1);
            Assert.False(store.TryWriteDense(new float[] { 5, float.NegativeInfinity, 6 }));

            var data = store.ToTrainingData();
            Assert.Equal(2, data.RowCount);
            Assert.Null(data.Weights);
            Assert.Equal(new float[] { 1, 2, 3, 0, 0, 4, 0, 0, 0 }, data.Features);
        }

        [Fact]
        public void SkipCountsFollowMlNetsOrderLabelThenWeightThenFeatures()
        {
            var rows = Digits.Rows(0, 120).Select(r => new TrainingBehaviourTests.WeightedDigit { Label = r.Label, Features = (float[])r.Features.Clone(), Weight = 1 }).ToArray();
            rows[1].Features[0] = float.NaN;
            rows[2].Features[783] = float.PositiveInfinity;
            rows[3].Label = float.NaN;                                      // missing key
            rows[4].Label = float.NaN; rows[4].Features[9] = float.NaN;     // counted once, as a label
            rows[5].Weight = 0;                                             // ML.NET keeps weights in (0, ∞) only
            rows[6].Weight = -1;
            rows[7].Weight = float.NaN;
            rows[8].Weight = float.PositiveInfinity;
            rows[9].Weight = -2; rows[9].Features[400] = float.NegativeInfinity; // counted once, as a weight
            rows[10].Weight = 0.25f;                                        // fine

            var (messages, model) = Fit(rows, lazy: false);
            Assert.Contains(messages, m => m.Contains("skipped 9 of 120 rows (2 with NaN or infinite features, 2 with a missing or out-of-range label, 5 with a NaN or negative weight)"));
            Assert.Contains(messages, m => m.Contains("read 111 rows × 784 features"));

            // The same rows from a view that does not know its row count, as sparse vectors: same counts, same model.
            var (lazyMessages, lazyModel) = Fit(rows, lazy: true);
            Assert.Contains(lazyMessages, m => m.Contains("skipped 9 of 120 rows (2 with NaN or infinite features, 2 with a missing or out-of-range label, 5 with a NaN or negative weight)"));
            var probe = Digits.Rows(200, 10).Select(r => r.Features).ToArray();
            Assert.Equal(probe.Select(p => model.PredictProbabilities(p)), probe.Select(p => lazyModel.PredictProbabilities(p)));
        }

        /// <summary>
        /// A small dense read while libtorch loads goes through one cursor on the fit's thread (<see cref="DatasetReader.OnOneCursor"/>) instead of
        /// ML.NET's consolidating cursor: the same rows in the same order, so the same skip counts and, with shuffling, the same
        /// model bit for bit — for a class label and a value label, from a cached view (whose cursor sets are parallel) behind
        /// ML.NET transforms.
        /// </summary>
        [Fact]
        public void OneCursorReadsTheRowsOfTheConsolidatingCursorInItsOrder()
        {
            var profile = new DataProfile(600, 784, 0.2, Sparse: false);
            DatasetReader.OneCursorAfterTheLoad = true;
            try
            {
                Assert.True(DatasetReader.OnOneCursor(profile));
                Assert.False(DatasetReader.OnOneCursor(profile with { Sparse = true }));
                Assert.False(DatasetReader.OnOneCursor(profile with { Rows = DatasetReader.OneCursorValues / 784 + 1 }));
            }
            finally
            {
                DatasetReader.OneCursorAfterTheLoad = false;
            }

            var rows = Digits.Rows(0, 600).Select((r, i) => new TrainingBehaviourTests.WeightedDigit { Label = r.Label, Features = (float[])r.Features.Clone(), Weight = 1 + i % 3 }).ToArray();
            rows[7].Features[5] = float.NaN;
            rows[300].Label = float.NaN;
            rows[451].Weight = -1;
            var probe = Digits.Rows(700, 20).Select(r => r.Features).ToArray();
            (List<string> Messages, float[][] Scores) Fit(bool classes, bool oneCursor)
            {
                var ml = new MLContext(seed: 1);
                var messages = new List<string>();
                ml.Log += (_, e) => { lock (messages) if (e.Message.Contains("skipped") || e.Message.Contains(" read ")) messages.Add(e.Message); };
                var cached = ml.Data.Cache(ml.Data.LoadFromEnumerable(rows, TrainingBehaviourTests.WeightedDigit.Schema()));
                var set = cached.GetRowCursorSet(cached.Schema, 2);
                Assert.True(set.Length > 1); // a view ML.NET reads in parallel
                foreach (var cursor in set)
                    cursor.Dispose();
                var scale = ml.Transforms.NormalizeMinMax("Features");
                long limit = DatasetReader.OneCursorValues, reads = DatasetReader.OneCursorReads;
                DatasetReader.OneCursorValues = oneCursor ? limit : 0;
                DatasetReader.OneCursorAfterTheLoad = oneCursor; // libtorch has long finished loading in a test run
                float[][] scores;
                try
                {
                    if (classes)
                    {
                        var options = TrainedDigits.QuickOptions(epochs: 1);
                        options.ExampleWeightColumnName = "Weight";
                        var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(scale).Append(ml.MulticlassClassification.Trainers.Mlp(options)).Fit(cached);
                        scores = probe.Select(p => model.LastTransformer.Model.PredictProbabilities(p)).ToArray();
                    }
                    else
                    {
                        var regression = new MlpRegressionTrainer.Options { NumberOfEpochs = 1, HiddenLayerSizes = new[] { 16 }, Seed = 3, ExampleWeightColumnName = "Weight" };
                        var fitted = scale.Append(ml.Regression.Trainers.Mlp(regression)).Fit(cached);
                        var scored = fitted.Transform(ml.Data.LoadFromEnumerable(Digits.Rows(700, 20).Select(r => new TrainingBehaviourTests.WeightedDigit { Label = r.Label, Features = r.Features, Weight = 1 }),
                            TrainingBehaviourTests.WeightedDigit.Schema()));
                        scores = new[] { scored.GetColumn<float>("Score").ToArray() };
                    }
                }
                finally
                {
                    DatasetReader.OneCursorValues = limit;
                    DatasetReader.OneCursorAfterTheLoad = false;
                }
                Assert.Equal(oneCursor, DatasetReader.OneCursorReads > reads); // the path compared really ran
                return (messages, scores);
            }
            foreach (bool classes in new[] { true, false })
            {
                var consolidated = Fit(classes, oneCursor: false);
                var single = Fit(classes, oneCursor: true);
                Assert.Contains(single.Messages, m => m.Contains("skipped 3 of 600 rows"));
                Assert.Contains(single.Messages, m => m.Contains("read 597 rows"));
                Assert.Equal(consolidated.Messages.Where(m => m.Contains("skipped")), single.Messages.Where(m => m.Contains("skipped")));
                for (int r = 0; r < single.Scores.Length; r++) // bit for bit
                    Assert.Equal(consolidated.Scores[r].Select(BitConverter.SingleToInt32Bits), single.Scores[r].Select(BitConverter.SingleToInt32Bits));
            }
        }

        private static (List<string> Messages, MlpMulticlassModelParameters Model) Fit(TrainingBehaviourTests.WeightedDigit[] rows, bool lazy)
        {
            var ml = new MLContext(seed: 1);
            var messages = new List<string>();
            ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
            IDataView data;
            if (lazy)
            {
                data = ml.Data.LoadFromEnumerable(Lazily(rows), SparseWeightedDigit.Schema());
                Assert.Null(data.GetRowCount());
            }
            else
                data = ml.Data.LoadFromEnumerable(rows, TrainingBehaviourTests.WeightedDigit.Schema());
            var options = TrainedDigits.QuickOptions(epochs: 1);
            options.ExampleWeightColumnName = "Weight";
            options.Shuffle = false;
            var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(options)).Fit(data).LastTransformer.Model;
            return (messages, model);
        }

        private static IEnumerable<SparseWeightedDigit> Lazily(TrainingBehaviourTests.WeightedDigit[] rows)
        {
            foreach (var r in rows)
            {
                // NaN and ∞ are not zero, so they stay explicit values of the sparse vector.
                var indices = Enumerable.Range(0, r.Features.Length).Where(i => r.Features[i] != 0).ToArray();
                yield return new SparseWeightedDigit
                {
                    Label = r.Label, Weight = r.Weight,
                    Features = new VBuffer<float>(r.Features.Length, indices.Length, indices.Select(i => r.Features[i]).ToArray(), indices),
                };
            }
        }

        public sealed class SparseWeightedDigit
        {
            public float Label;
            public VBuffer<float> Features;
            public float Weight;

            public static SchemaDefinition Schema()
            {
                var schema = SchemaDefinition.Create(typeof(SparseWeightedDigit));
                schema[nameof(Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 784);
                return schema;
            }
        }
    }
}
