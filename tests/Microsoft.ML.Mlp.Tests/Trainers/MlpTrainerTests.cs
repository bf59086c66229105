using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>The Mlp trainer inside real ML.NET pipelines on real MNIST digits.</summary>
    public class MlpTrainerTests
    {
        private readonly ITestOutputHelper _output;

        public MlpTrainerTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void ReachesNinetyPercentOnHeldOutDigits()
        {
            var metrics = TrainedDigits.Ml.MulticlassClassification.Evaluate(TrainedDigits.Model.Transform(TrainedDigits.Test), topKPredictionCount: 3);
            _output.WriteLine($"micro {metrics.MicroAccuracy:P2} macro {metrics.MacroAccuracy:P2} log-loss {metrics.LogLoss:F4} top-3 {metrics.TopKAccuracy:P2}");
            Assert.True(metrics.MicroAccuracy >= TrainedDigits.MinimumAccuracy, $"micro-accuracy {metrics.MicroAccuracy:P2} < {TrainedDigits.MinimumAccuracy:P0}");
            Assert.True(metrics.MacroAccuracy >= 0.85);
            Assert.InRange(metrics.LogLoss, 0.0, 0.6);
            Assert.True(metrics.LogLossReduction > 0.7);
            Assert.True(metrics.TopKAccuracy >= metrics.MicroAccuracy);
            Assert.Equal(10, metrics.PerClassLogLoss.Count);
            Assert.Equal(TrainedDigits.TestRows, metrics.ConfusionMatrix.Counts.Sum(row => row.Sum()));
        }

        [Fact]
        public void ScoreIsAProbabilityDistributionWithLabelSlotNames()
        {
            var scored = TrainedDigits.Model.Transform(TrainedDigits.Test);
            var score = scored.Schema["Score"];
            Assert.Equal(10, ((VectorDataViewType)score.Type).Size);
            // MapValueToKey numbers the classes in order of appearance; ML.NET's scorer labels the slots with the
            // label's key values (TrainingLabelValues for numeric labels, SlotNames for text labels).
            var names = LabelValues(score);
            Assert.Equal(Enumerable.Range(0, 10).Select(d => (float)d), names.OrderBy(v => v));

            foreach (var row in TrainedDigits.Scores(TrainedDigits.Model, TrainedDigits.Test))
            {
                Assert.All(row, p => Assert.InRange(p, 0f, 1f));
                Assert.InRange(row.Sum(), 0.999f, 1.001f);
            }
        }

        [Fact]
        public void PredictedLabelMapsBackToTheOriginalDigits()
        {
            var scored = TrainedDigits.Model.Transform(TrainedDigits.Test);
            Assert.Equal(NumberDataViewType.Single, scored.Schema["PredictedLabel"].Type);
            var predicted = scored.GetColumn<float>("PredictedLabel").ToArray();
            var truth = Digits.Rows(TrainedDigits.TrainRows, TrainedDigits.TestRows).Select(r => r.Label).ToArray();
            var scores = TrainedDigits.Scores(TrainedDigits.Model, TrainedDigits.Test);
            var names = LabelValues(scored.Schema["Score"]);
            for (int i = 0; i < predicted.Length; i++)
                Assert.Equal(names[Array.IndexOf(scores[i], scores[i].Max())], predicted[i]);
            Assert.True(predicted.Zip(truth).Count(p => p.First == p.Second) >= TrainedDigits.MinimumAccuracy * predicted.Length);
        }

        [Fact]
        public void OutputSchemaPropagatesThroughThePipeline()
        {
            var ml = new MLContext(seed: 1);
            // SchemaShape.Create is internal in ML.NET 5; AutoML and ML.NET's own chains call it this way.
            var create = typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static,
                new[] { typeof(DataViewSchema) });
            var input = (SchemaShape)create.Invoke(null, new object[] { TrainedDigits.Train.Schema });
            var shape = TrainedDigits.Pipeline(ml, TrainedDigits.QuickOptions()).GetOutputSchema(input);
            var score = shape.Single(c => c.Name == "Score");
            Assert.Equal(SchemaShape.Column.VectorKind.Vector, score.Kind);
            var predicted = shape.Single(c => c.Name == "PredictedLabel");
            Assert.False(predicted.IsKey); // MapKeyToValue turned the key back into the digit
            Assert.Equal(NumberDataViewType.Single, predicted.ItemType);
        }

        [Fact]
        public void PredictionEngineGivesTheSameScoresAsBatchTransform()
        {
            var engine = TrainedDigits.Ml.Model.CreatePredictionEngine<MnistCatalog.MnistImage, ScoredDigit>(TrainedDigits.Model,
                inputSchemaDefinition: MnistCatalog.ImageSchema());
            var batch = TrainedDigits.Scores(TrainedDigits.Model, TrainedDigits.Test);
            var batchLabels = TrainedDigits.Model.Transform(TrainedDigits.Test).GetColumn<float>("PredictedLabel").ToArray();
            var rows = Digits.Rows(TrainedDigits.TrainRows, TrainedDigits.TestRows).ToArray();
            for (int i = 0; i < rows.Length; i += 37)
            {
                var single = engine.Predict(rows[i]);
                Assert.Equal(batch[i], single.Score);
                Assert.Equal(batchLabels[i], single.PredictedLabel);
            }
        }

        [Fact]
        public void CrossValidateRunsEveryFold()
        {
            var ml = new MLContext(seed: 3);
            var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits.Load(ml, 0, 600)).Transform(Digits.Load(ml, 0, 600));
            var results = ml.MulticlassClassification.CrossValidate(data, ml.MulticlassClassification.Trainers.Mlp(TrainedDigits.QuickOptions(epochs: 3)), numberOfFolds: 3);
            Assert.Equal(3, results.Count);
            foreach (var fold in results)
            {
                _output.WriteLine($"fold accuracy {fold.Metrics.MicroAccuracy:P2}");
                Assert.True(fold.Metrics.MicroAccuracy > 0.6);
                Assert.IsType<MlpMulticlassModelParameters>(((MulticlassPredictionTransformer<MlpMulticlassModelParameters>)fold.Model).Model);
            }
        }

        [Fact]
        public void PermutationFeatureImportanceRanksCentralPixelsAboveCorners()
        {
            var ml = TrainedDigits.Ml;
            var mlp = TrainedDigits.Model.OfType<MulticlassPredictionTransformer<MlpMulticlassModelParameters>>().Single();
            var keyed = TrainedDigits.Model.First().Transform(Digits.Load(ml, TrainedDigits.TrainRows, 120));
            var importance = ml.MulticlassClassification.PermutationFeatureImportance(mlp, keyed, permutationCount: 1);
            Assert.Equal(784, importance.Length);
            // Corner pixels are always 0 in MNIST: permuting them cannot change anything.
            Assert.Equal(0, importance[0].MicroAccuracy.Mean, 6);
            Assert.True(importance.Min(m => m.MicroAccuracy.Mean) < -0.005, "some pixel must matter");
        }

        [Fact]
        public void LogsOneLinePerEpochAndKeepsTheHistory()
        {
            var ml = new MLContext(seed: 5);
            var lines = new List<string>();
            ml.Log += (_, e) => { if (e.Source.Contains("Mlp")) lock (lines) lines.Add(e.Message); };
            var model = TrainedDigits.Pipeline(ml, TrainedDigits.QuickOptions(epochs: 3)).Fit(Digits.Load(ml, 0, 300));
            var epochLines = lines.Where(l => l.Contains("epoch ")).ToArray();
            foreach (var line in epochLines)
                _output.WriteLine(line);
            Assert.Equal(3, epochLines.Length);
            Assert.Contains("loss", epochLines[0]);
            var history = model.OfType<MulticlassPredictionTransformer<MlpMulticlassModelParameters>>().Single().Model.TrainingHistory;
            Assert.Equal(new[] { 1, 2, 3 }, history.Select(h => h.Epoch));
            Assert.True(history[2].TrainingLoss < history[0].TrainingLoss);
            Assert.All(history, h => Assert.True(h.Duration > TimeSpan.Zero));
        }

        [Fact]
        public void ModelParametersDescribeTheNetwork()
        {
            var mlp = TrainedDigits.Mlp;
            Assert.Equal(784, mlp.NumberOfFeatures);
            Assert.Equal(10, mlp.NumberOfClasses);
            Assert.Equal(new[] { 128 }, mlp.HiddenLayerSizes);
            Assert.Equal(8, mlp.TrainingHistory.Count);
            var probabilities = mlp.PredictProbabilities(Digits.Rows(0, 1).Single().Features);
            Assert.InRange(probabilities.Sum(), 0.999f, 1.001f);
        }

        [Fact]
        public void BatchPredictionMatchesRowByRowScoring()
        {
            var mlp = TrainedDigits.Mlp;
            var rows = Digits.Rows(TrainedDigits.TrainRows, 300).ToArray();
            var batch = mlp.PredictBatch(rows.SelectMany(r => r.Features).ToArray(), rows.Length);
            Assert.Equal(rows.Length * 10, batch.Length);
            for (int r = 0; r < rows.Length; r++)
            {
                var single = mlp.PredictProbabilities(rows[r].Features);
                for (int c = 0; c < 10; c++)
                    Assert.Equal(single[c], batch[r * 10 + c], tolerance: 1e-5);
            }
            Assert.Throws<ArgumentOutOfRangeException>(() => mlp.PredictBatch(new float[785], 1));
            // Many internal blocks (256 rows), the last one short.
            var many = Digits.Rows(0, 1000).ToArray();
            var large = mlp.PredictBatch(many.SelectMany(r => r.Features).ToArray(), many.Length);
            foreach (int r in new[] { 0, 255, 256, 511, 768, many.Length - 1 })
            {
                var row = mlp.PredictProbabilities(many[r].Features);
                for (int c = 0; c < 10; c++)
                    Assert.Equal(row[c], large[r * 10 + c], tolerance: 1e-5);
            }
            Assert.Empty(mlp.PredictBatch(Array.Empty<float>(), 0));
        }

        [Fact]
        public void BatchPredictionGivesTheSameBitsOnEveryThreadCount()
        {
            var mlp = TrainedDigits.Mlp;
            var features = Digits.Rows(0, 1000).SelectMany(r => r.Features).ToArray();
            int before = TorchSharp.torch.get_num_threads();
            try
            {
                TorchSharp.torch.set_num_threads(1);
                var one = mlp.PredictBatch(features, 1000);
                TorchSharp.torch.set_num_threads(2); // blocks side by side, each block's products on one MKL thread
                var two = mlp.PredictBatch(features, 1000);
                Assert.Equal(one, two);
                Assert.Equal(one, mlp.PredictBatch(features, 1000)); // and again
            }
            finally
            {
                TorchSharp.torch.set_num_threads(before);
            }
        }

        [Fact]
        public void OutputColumnsCarryTheSameAnnotationsAsLbfgsMaximumEntropy()
        {
            var ml = new MLContext(seed: 1);
            var data = Digits.Load(ml, 0, 200);
            var reference = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new Microsoft.ML.Trainers.LbfgsMaximumEntropyMulticlassTrainer.Options { MaximumNumberOfIterations = 2 })).Fit(data).Transform(data).Schema;
            var ours = TrainedDigits.Model.Transform(data).Schema;
            foreach (var column in new[] { "Score", "PredictedLabel" })
            {
                var expected = reference[column].Annotations.Schema.Select(a => $"{a.Name}: {a.Type}");
                var actual = ours[column].Annotations.Schema.Select(a => $"{a.Name}: {a.Type}");
                if (column == "PredictedLabel")
                    actual = TrainedDigits.Model.Take(2).Last().Transform(data).Schema[column].Annotations.Schema.Select(a => $"{a.Name}: {a.Type}");
                Assert.Equal(expected, actual);
            }
        }

        [Fact]
        public void TextLabelsBecomeSlotNames()
        {
            var ml = new MLContext(seed: 1);
            var rows = Digits.Rows(0, 300).Select(r => new TextDigit { Label = "digit" + r.Label, Features = r.Features }).ToArray();
            var schema = SchemaDefinition.Create(typeof(TextDigit));
            schema[nameof(TextDigit.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 784);
            var data = ml.Data.LoadFromEnumerable(rows, schema);
            var model = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.Mlp(TrainedDigits.QuickOptions(epochs: 2)))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(data);
            var scored = model.Transform(data);
            VBuffer<ReadOnlyMemory<char>> slotNames = default;
            scored.Schema["Score"].GetSlotNames(ref slotNames);
            Assert.Equal(Enumerable.Range(0, 10).Select(d => "digit" + d), slotNames.DenseValues().Select(n => n.ToString()).OrderBy(n => n));
            Assert.All(scored.GetColumn<string>("PredictedLabel"), p => Assert.StartsWith("digit", p));
        }

        private static float[] LabelValues(DataViewSchema.Column score)
        {
            VBuffer<float> values = default;
            score.Annotations.GetValue("TrainingLabelValues", ref values);
            return values.DenseValues().ToArray();
        }

        public sealed class TextDigit
        {
            public string Label;
            public float[] Features;
        }

        public sealed class ScoredDigit
        {
            public float[] Score;
            public float PredictedLabel;
        }
    }
}
