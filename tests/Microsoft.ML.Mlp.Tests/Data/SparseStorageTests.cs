using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Sparse training memory and the sparse first layer: same model as dense, lazy updates, automatic choice, text.</summary>
    public class SparseStorageTests
    {
        private readonly ITestOutputHelper _output;

        public SparseStorageTests(ITestOutputHelper output) => _output = output;

        private static MlpMulticlassModelParameters Fit(MLContext ml, IDataView data, MlpMulticlassTrainer.Options options) =>
            ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(options)).Fit(data).LastTransformer.Model;

        private static MlpMulticlassTrainer.Options Options(MlpFeatureStorage storage, bool lazy = true) => new MlpMulticlassTrainer.Options(MlpPreset.KerasReference)
        {
            HiddenLayerSizes = new[] { 32 }, NumberOfEpochs = 2, BatchSize = 32, Seed = 3, FeatureStorage = storage, LazySparseUpdates = lazy,
        };

        /// <summary>Through the public API, two epochs: plain SGD with momentum (Adam would turn float noise in gradients that
        /// are zero in theory into ±lr steps; FastPathEquivalenceTests compares every optimizer step by step).</summary>
        [Fact]
        public void SparseAndDenseStorageTrainTheSameModelWithDenseUpdateSemantics()
        {
            const MlpOptimizer optimizer = MlpOptimizer.Sgd;
            var ml = new MLContext(seed: 1);
            var data = Digits.Load(ml, 0, 320);
            var probe = Digits.Rows(400, 30).ToArray();
            MlpMulticlassTrainer.Options With(MlpFeatureStorage storage)
            {
                var options = Options(storage, lazy: false);
                options.Optimizer = optimizer;
                options.Momentum = optimizer == MlpOptimizer.Sgd ? 0.9f : 0f;
                options.LearningRate = optimizer == MlpOptimizer.Sgd ? 0.05f : 0.001f;
                options.GradientClipNorm = 5f; // clipping reads the sparse gradient's touched rows only
                return options;
            }
            var dense = Fit(ml, data, With(MlpFeatureStorage.Dense));
            var sparse = Fit(ml, data, With(MlpFeatureStorage.Sparse));

            double worst = 0;
            foreach (var row in probe)
            {
                var a = dense.PredictProbabilities(row.Features);
                var b = sparse.PredictProbabilities(row.Features);
                for (int c = 0; c < a.Length; c++)
                    worst = Math.Max(worst, Math.Abs(a[c] - b[c]) / Math.Max(1e-3, Math.Abs(a[c])));
            }
            _output.WriteLine($"{optimizer}: largest relative difference {worst:E2}");
            Assert.True(worst <= 1e-5, $"sparse and dense storage differ by {worst:E2} (relative) in a probability");
            Assert.Equal(dense.TrainingHistory.Select(h => h.TrainingAccuracy), sparse.TrainingHistory.Select(h => h.TrainingAccuracy));
        }

        [Fact]
        public void LazyUpdatesLearnAsWellAsDenseOnes()
        {
            var ml = new MLContext(seed: 1);
            var train = Digits.Load(ml, 0, 1600);
            var test = Digits.Load(ml, 1600, 400);
            double Accuracy(MlpMulticlassTrainer.Options options)
            {
                var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(options)).Fit(train);
                return ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
            }
            var options = Options(MlpFeatureStorage.Dense);
            options.NumberOfEpochs = 4;
            double dense = Accuracy(options);
            options.FeatureStorage = MlpFeatureStorage.Sparse;
            double lazy = Accuracy(options);
            _output.WriteLine($"dense {dense:P2}, sparse lazy {lazy:P2}");
            Assert.True(lazy > 0.8 && Math.Abs(lazy - dense) <= 0.02, $"lazy updates reach {lazy:P2}, dense {dense:P2}");
        }

        [Fact]
        public void TextFeaturesAreKeptSparseAutomaticallyAndLearned()
        {
            var ml = new MLContext(seed: 1);
            var messages = new List<string>();
            ml.Log += (_, e) => { if (e.Source.Contains("Mlp") || e.Message.Contains("Mlp")) lock (messages) messages.Add(e.Message); };
            var documents = Documents(1200, seed: 5);
            var data = ml.Data.LoadFromEnumerable(documents);
            var split = ml.Data.TrainTestSplit(data, 0.25, seed: 1);
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.Transforms.Text.FeaturizeText("Features", "Text"))
                .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 32 }, NumberOfEpochs = 3, Seed = 1 }));
            var model = pipeline.Fit(split.TrainSet);
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
            _output.WriteLine($"accuracy {metrics.MicroAccuracy:P2}; {messages.FirstOrDefault(m => m.Contains("non-zeros"))}");
            Assert.Contains(messages, m => m.Contains("non-zeros"));
            Assert.True(metrics.MicroAccuracy > 0.9, $"accuracy {metrics.MicroAccuracy:P2}");
        }

        /// <summary>Short documents of four topics: each draws most words from its own vocabulary, some from a shared one.</summary>
        internal static Document[] Documents(int count, int seed)
        {
            string[] topics = { "sport", "music", "cooking", "travel" };
            var random = new Random(seed);
            string Word(string prefix, int size) => prefix + random.Next(size);
            return Enumerable.Range(0, count).Select(i =>
            {
                int topic = i % topics.Length;
                var words = Enumerable.Range(0, 20).Select(_ => random.NextDouble() < 0.4 ? Word(topics[topic], 300) : Word("common", 2000));
                return new Document { Label = topics[topic], Text = string.Join(" ", words) };
            }).ToArray();
        }

        internal sealed class Document
        {
            public string Label { get; set; }
            public string Text { get; set; }
        }
    }
}
