using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Determinism, example weights, sparse input and bad rows, on real digits and real training.</summary>
    public class TrainingBehaviourTests
    {
        private static MlpMulticlassModelParameters Fit(MLContext ml, IDataView data, MlpMulticlassTrainer.Options options) =>
            ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(options)).Fit(data).LastTransformer.Model;

        private static float[][] Probabilities(MlpMulticlassModelParameters model, IEnumerable<MnistCatalog.MnistImage> rows) =>
            rows.Select(r => model.PredictProbabilities(r.Features)).ToArray();

        [Fact]
        public void SameSeedGivesABitIdenticalModelAndAnotherSeedDoesNot()
        {
            var ml = new MLContext(seed: 1);
            var data = Digits.Load(ml, 0, 400);
            var probe = Digits.Rows(400, 50).ToArray();
            var options = TrainedDigits.QuickOptions(epochs: 2);
            var first = Probabilities(Fit(ml, data, options), probe);
            var second = Probabilities(Fit(ml, data, options), probe);
            Assert.Equal(first, second);

            options.Seed = 8;
            Assert.NotEqual(first, Probabilities(Fit(ml, data, options), probe));
        }

        [Fact]
        public void NullSeedIsTakenFromTheMLContextSeed()
        {
            var probe = Digits.Rows(400, 20).ToArray();
            float[][] Train(int contextSeed)
            {
                var ml = new MLContext(seed: contextSeed);
                var options = TrainedDigits.QuickOptions(epochs: 1);
                options.Seed = null;
                return Probabilities(Fit(ml, Digits.Load(ml, 0, 200), options), probe);
            }
            Assert.Equal(Train(5), Train(5));
            Assert.NotEqual(Train(5), Train(6));
        }

        [Fact]
        public void ExampleWeightScalesEachRowsLoss()
        {
            // Full-batch plain SGD without shuffling: a loss scaled by 2 with learning rate η takes exactly the steps
            // of the unscaled loss with 2η. Adam would hide the scale, so SGD is the honest check.
            var ml = new MLContext(seed: 1);
            var rows = Digits.Rows(0, 256).ToArray();
            var weighted = ml.Data.LoadFromEnumerable(rows.Select(r => new WeightedDigit { Label = r.Label, Features = r.Features, Weight = 2f }), WeightedDigit.Schema());
            MlpMulticlassTrainer.Options Options(float learningRate, string weight) => new MlpMulticlassTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = new[] { 32 }, NumberOfEpochs = 3, BatchSize = 256, Shuffle = false, DropoutRate = 0,
                Optimizer = MlpOptimizer.Sgd, LearningRate = learningRate, Seed = 3, ExampleWeightColumnName = weight,
            };
            var probe = Digits.Rows(300, 20).ToArray();
            var doubledLoss = Probabilities(Fit(ml, weighted, Options(0.05f, "Weight")), probe);
            var doubledRate = Probabilities(Fit(ml, weighted, Options(0.1f, null)), probe);
            var plain = Probabilities(Fit(ml, weighted, Options(0.05f, null)), probe);
            for (int i = 0; i < probe.Length; i++)
                for (int c = 0; c < 10; c++)
                    Assert.Equal(doubledRate[i][c], doubledLoss[i][c], 4);
            Assert.NotEqual(plain, doubledLoss);
        }

        [Fact]
        public void SparseAndDenseFeatureVectorsTrainTheSameModel()
        {
            var ml = new MLContext(seed: 1);
            var rows = Digits.Rows(0, 300).ToArray();
            var dense = Digits.Load(ml, 0, 300);
            var sparse = ml.Data.LoadFromEnumerable(rows.Select(r => new SparseDigit { Label = r.Label, Features = Sparse(r.Features) }), SparseDigit.Schema());
            var options = TrainedDigits.QuickOptions(epochs: 2);
            var probe = Digits.Rows(400, 20).ToArray();
            var fromSparse = Fit(ml, sparse, options);
            Assert.Equal(Probabilities(Fit(ml, dense, options), probe), Probabilities(fromSparse, probe));

            // Scoring sparse rows gives the dense rows' scores too.
            var scorer = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(options)).Fit(sparse);
            var sparseScores = TrainedDigits.Scores(scorer, sparse);
            var denseScores = TrainedDigits.Scores(scorer, dense);
            Assert.Equal(denseScores, sparseScores);
        }

        [Fact]
        public void RowsWithNaNFeaturesOrMissingLabelsAreSkippedAndCounted()
        {
            var ml = new MLContext(seed: 1);
            var messages = new List<string>();
            ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
            var rows = Digits.Rows(0, 200).Select(r => new MnistCatalog.MnistImage { Label = r.Label, Features = (float[])r.Features.Clone() }).ToArray();
            rows[3].Features[100] = float.NaN;
            rows[7].Features[5] = float.PositiveInfinity;
            rows[11].Label = float.NaN; // MapValueToKey maps NaN to the missing key
            var model = Fit(ml, ml.Data.LoadFromEnumerable(rows, MnistCatalog.ImageSchema()), TrainedDigits.QuickOptions(epochs: 1));
            Assert.Contains(messages, m => m.Contains("skipped 3 of 200 rows") && m.Contains("2 with NaN or infinite features") && m.Contains("1 with a missing"));
            Assert.Contains(messages, m => m.Contains("read 197 rows"));
            Assert.All(model.PredictProbabilities(rows[0].Features), p => Assert.True(float.IsFinite(p)));
        }

        [Fact]
        public void NoHiddenLayerIsMultinomialLogisticRegression()
        {
            var ml = new MLContext(seed: 1);
            var options = new MlpMulticlassTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = Array.Empty<int>(), NumberOfEpochs = 5, Seed = 2 };
            var model = TrainedDigits.Pipeline(ml, options).Fit(Digits.Load(ml, 0, 800));
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(Digits.Load(ml, 800, 200)));
            Assert.True(metrics.MicroAccuracy > 0.8, $"accuracy {metrics.MicroAccuracy:P2}");
            Assert.Empty(model.OfType<MulticlassPredictionTransformer<MlpMulticlassModelParameters>>().Single().Model.HiddenLayerSizes);
        }

        internal static VBuffer<float> Sparse(float[] dense)
        {
            var indices = Enumerable.Range(0, dense.Length).Where(i => dense[i] != 0).ToArray();
            return new VBuffer<float>(dense.Length, indices.Length, indices.Select(i => dense[i]).ToArray(), indices);
        }

        public sealed class WeightedDigit
        {
            public float Label;
            public float[] Features;
            public float Weight;

            public static SchemaDefinition Schema()
            {
                var schema = SchemaDefinition.Create(typeof(WeightedDigit));
                schema[nameof(Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 784);
                return schema;
            }
        }

        public sealed class SparseDigit
        {
            public float Label;
            public VBuffer<float> Features;

            public static SchemaDefinition Schema()
            {
                var schema = SchemaDefinition.Create(typeof(SparseDigit));
                schema[nameof(Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 784);
                return schema;
            }
        }
    }
}
