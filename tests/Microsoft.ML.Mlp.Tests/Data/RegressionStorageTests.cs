using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>The regression Mlp reads its rows as the classifiers do: sparse storage for wide sparse features, streaming over
    /// the training memory budget — with the label scale taken from the same rows.</summary>
    public class RegressionStorageTests
    {
        private readonly ITestOutputHelper _output;

        public RegressionStorageTests(ITestOutputHelper output) => _output = output;

        /// <summary>The digits with their value as a Single label: 19% non-zeros, 784 features.</summary>
        private static MlpRegressionTrainer.Options Options(MlpFeatureStorage storage = MlpFeatureStorage.Auto, long? budget = null) => new(MlpPreset.KerasReference)
        {
            HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 2, Shuffle = false, Seed = 4, FeatureStorage = storage, LazySparseUpdates = false,
            Optimizer = MlpOptimizer.Sgd, LearningRate = 0.01f, TrainingMemoryBudget = budget, UseBatchNormalization = false, DropoutRate = 0,
        };

        private static float[] Scores(MLContext ml, IDataView train, MlpRegressionTrainer.Options options, IDataView probe) =>
            ml.Regression.Trainers.Mlp(options).Fit(train).Transform(probe).GetColumn<float>("Score").ToArray();

        [Fact]
        public void SparseStorageTrainsTheDenseModel()
        {
            var ml = new MLContext(seed: 1);
            var train = Digits.Load(ml, 0, 320);
            var probe = Digits.Load(ml, 400, 30);
            var dense = Scores(ml, train, Options(MlpFeatureStorage.Dense), probe);
            var sparse = Scores(ml, train, Options(MlpFeatureStorage.Sparse), probe);
            double worst = dense.Zip(sparse, (a, b) => Math.Abs(a - b) / Math.Max(1e-3, Math.Abs(a))).Max();
            _output.WriteLine($"largest relative difference {worst:E2}; scores {string.Join(", ", dense.Take(5))}");
            Assert.True(worst <= 1e-4, $"sparse and dense storage differ by {worst:E2} (relative)");
            Assert.True(dense.Distinct().Count() > 10, "the model must not score a constant");
        }

        [Fact]
        public void UnshuffledStreamingTrainsTheSameModelAsInMemoryWithTheSameLabelScale()
        {
            var ml = new MLContext(seed: 1);
            var log = new List<string>();
            ml.Log += (_, e) => { if (e.Message.Contains("Mlp")) lock (log) log.Add(e.Message); };
            var train = Digits.Load(ml, 0, 640);
            var probe = Digits.Load(ml, 700, 20);
            var inMemory = ml.Regression.Trainers.Mlp(Options(MlpFeatureStorage.Dense)).Fit(train).Model;
            // 640 × 784 floats need ~2 MB: a 1 MB budget streams blocks of whole batches.
            var streamed = ml.Regression.Trainers.Mlp(Options(MlpFeatureStorage.Dense, budget: 1_000_000)).Fit(train).Model;
            Assert.Contains(log, m => m.Contains("streaming them from the data view"));

            // The label scale comes from one streaming pass (Welford) instead of two in memory: equal to rounding.
            Assert.Equal(inMemory.LabelMean, streamed.LabelMean, 1e-9);
            Assert.Equal(inMemory.LabelStandardDeviation, streamed.LabelStandardDeviation, 1e-9);
            var a = probe.GetColumn<float[]>("Features").Select(f => inMemory.PredictScore(f)).ToArray();
            var b = probe.GetColumn<float[]>("Features").Select(f => streamed.PredictScore(f)).ToArray();
            Assert.All(a.Zip(b), p => Assert.Equal(p.First, p.Second, 1e-4));
        }

        [Fact]
        public void StreamedRegressionValidatesWithItsHeldOutRows()
        {
            var ml = new MLContext(seed: 1);
            var train = Digits.Load(ml, 0, 640);
            var options = Options(MlpFeatureStorage.Dense, budget: 1_000_000);
            options.ValidationFraction = 0.2f;
            options.NumberOfEpochs = 3;
            var model = ml.Regression.Trainers.Mlp(options).Fit(train).Model;
            Assert.Equal(3, model.TrainingHistory.Count);
            Assert.All(model.TrainingHistory, h => Assert.True(h.ValidationRmse is double rmse && double.IsFinite(rmse) && h.ValidationRSquared is double r2 && double.IsFinite(r2)));
            // Each epoch learns: the held-out R² rises from the first epoch to the last.
            Assert.True(model.TrainingHistory[^1].ValidationRSquared > model.TrainingHistory[0].ValidationRSquared);
            Assert.True(model.TrainingHistory[^1].ValidationRSquared > 0.2, $"R² {model.TrainingHistory[^1].ValidationRSquared}");
        }
    }
}
