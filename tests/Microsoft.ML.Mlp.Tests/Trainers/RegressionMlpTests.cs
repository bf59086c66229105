using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>The regression Mlp on scikit-learn's make_friedman1, a standard non-linear regression benchmark.</summary>
    public class RegressionMlpTests
    {
        private readonly ITestOutputHelper _output;

        public RegressionMlpTests(ITestOutputHelper output) => _output = output;

        internal sealed class FriedmanRow
        {
            public float Label;
            [VectorType(10)] public float[] Features;
        }

        internal sealed class ScoreRow
        {
            public float Score;
        }

        /// <summary>
        /// make_friedman1: 10 uniform [0, 1) features of which 5 matter, y = 10 sin(π x0 x1) + 20 (x2 − 0.5)² + 10 x3 + 5 x4 + N(0, 1).
        /// A linear model reaches R² ≈ 0.7 on it, scikit-learn's MLPRegressor ≈ 0.95.
        /// </summary>
        internal static FriedmanRow[] Friedman1(int count, int seed)
        {
            var random = new Random(seed);
            var rows = new FriedmanRow[count];
            for (int i = 0; i < count; i++)
            {
                var x = Enumerable.Range(0, 10).Select(_ => (float)random.NextDouble()).ToArray();
                double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                double y = 10 * Math.Sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) + 10 * x[3] + 5 * x[4] + noise;
                rows[i] = new FriedmanRow { Label = (float)y, Features = x };
            }
            return rows;
        }

        private static MlpRegressionTrainer.Options Options(MlpRegressionLoss loss = MlpRegressionLoss.Squared, int epochs = 60) => new(MlpPreset.KerasReference)
        {
            HiddenLayerSizes = new[] { 64, 64 },
            NumberOfEpochs = epochs,
            LearningRate = 0.003f,
            Loss = loss,
            Seed = 1,
        };

        private static readonly Lazy<(MLContext Ml, RegressionPredictionTransformer<MlpRegressionModelParameters> Model, IDataView Test)> s_friedman = new(() =>
        {
            var ml = new MLContext(seed: 1);
            var model = ml.Regression.Trainers.Mlp(Options()).Fit(ml.Data.LoadFromEnumerable(Friedman1(2000, 1)));
            return (ml, model, ml.Data.LoadFromEnumerable(Friedman1(500, 2)));
        });

        [Fact]
        public void ReachesAnRSquaredOfAtLeast0_9OnFriedman1WhereALinearModelCannot()
        {
            var (ml, model, test) = s_friedman.Value;
            var mlp = ml.Regression.Evaluate(model.Transform(test));
            var sdca = ml.Regression.Evaluate(ml.Regression.Trainers.Sdca().Fit(ml.Data.LoadFromEnumerable(Friedman1(2000, 1))).Transform(test));
            _output.WriteLine($"make_friedman1 (2,000 train / 500 test): Mlp R² {mlp.RSquared:F4} RMSE {mlp.RootMeanSquaredError:F3}; Sdca R² {sdca.RSquared:F4} RMSE {sdca.RootMeanSquaredError:F3}");
            Assert.True(mlp.RSquared >= 0.9, $"Mlp R² {mlp.RSquared:F4}");
            Assert.True(mlp.RSquared > sdca.RSquared + 0.1, $"Mlp R² {mlp.RSquared:F4} vs Sdca {sdca.RSquared:F4}");
            // The scale saved with the model is the training label's: Score is in the label's units.
            Assert.InRange(model.Model.LabelMean, 13, 16);
            Assert.InRange(model.Model.LabelStandardDeviation, 4, 6);
            Assert.All(model.Model.TrainingHistory, h => Assert.Equal(0, h.TrainingAccuracy));
        }

        [Theory]
        [InlineData(MlpRegressionLoss.Huber)]
        [InlineData(MlpRegressionLoss.Absolute)]
        public void HuberAndAbsoluteLossesTrain(MlpRegressionLoss loss)
        {
            var ml = new MLContext(seed: 1);
            var model = ml.Regression.Trainers.Mlp(Options(loss, epochs: 20)).Fit(ml.Data.LoadFromEnumerable(Friedman1(1000, 3)));
            var metrics = ml.Regression.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(Friedman1(500, 2))));
            _output.WriteLine($"{loss}: R² {metrics.RSquared:F4}");
            Assert.True(metrics.RSquared >= 0.75, $"{loss}: R² {metrics.RSquared:F4}");
            Assert.True(model.Model.TrainingHistory[^1].TrainingLoss < model.Model.TrainingHistory[0].TrainingLoss);
        }

        [Fact]
        public void PredictionEngineAndPredictScoreGiveTheScoresOfTransform()
        {
            var (ml, model, test) = s_friedman.Value;
            var scores = model.Transform(test).GetColumn<float>("Score").Take(50).ToArray();
            var engine = ml.Model.CreatePredictionEngine<FriedmanRow, ScoreRow>(model);
            var rows = Friedman1(500, 2);
            for (int i = 0; i < scores.Length; i++)
            {
                Assert.Equal(scores[i], engine.Predict(rows[i]).Score);
                Assert.Equal(scores[i], model.Model.PredictScore(rows[i].Features));
            }
        }

        [Fact]
        public void ARegressionModelLoadsInAFreshProcessWithBitIdenticalScores()
        {
            // The digit's value as a Single label over the 784 pixels: the inputs tests/ModelLoadChecker scores.
            var ml = new MLContext(seed: 0);
            var model = ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 2, Seed = 3 })
                .Fit(Digits.Load(ml, 0, 300));
            var probe = Digits.Load(ml, 0, 20); // the first of the shuffled digits, as ModelLoadChecker --shuffled reads them
            string path = Path.Combine(Path.GetTempPath(), $"mlp-regression-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, probe.Schema, path);
                var scores = model.Transform(probe).GetColumn<float>("Score").ToArray();
                var fresh = SaveLoadTests.ScoreInFreshProcess(path, 20);
                Assert.Equal(scores, fresh.Select(r => Assert.Single(r)).ToArray());
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void SaveAndLoadGiveBitIdenticalScores()
        {
            var (ml, model, test) = s_friedman.Value;
            using var stream = new MemoryStream();
            ml.Model.Save(model, test.Schema, stream);
            stream.Position = 0;
            var loaded = ml.Model.Load(stream, out _);
            Assert.Equal(model.Transform(test).GetColumn<float>("Score").ToArray(), loaded.Transform(test).GetColumn<float>("Score").ToArray());
            var parameters = ((RegressionPredictionTransformer<MlpRegressionModelParameters>)loaded).Model;
            Assert.Equal(model.Model.LabelMean, parameters.LabelMean);
            Assert.Equal(model.Model.LabelStandardDeviation, parameters.LabelStandardDeviation);
            Assert.Equal(model.Model.TrainingHistory.Count, parameters.TrainingHistory.Count);
        }

        [Fact]
        public void PermutationFeatureImportanceFindsTheFiveFeaturesThatMatter()
        {
            var (ml, model, test) = s_friedman.Value;
            var importance = ml.Regression.PermutationFeatureImportance(model, test, permutationCount: 1);
            var drops = importance.Select(m => m.RSquared.Mean).ToArray();
            _output.WriteLine("R² change per feature: " + string.Join(", ", drops.Select(d => d.ToString("F3"))));
            Assert.Equal(10, drops.Length);
            // y depends on x0…x4 only: shuffling any of them costs R², shuffling x5…x9 (noise) does not.
            Assert.All(drops.Take(5), d => Assert.True(d < -0.05, $"an informative feature changed R² by only {d:F3}"));
            Assert.All(drops.Skip(5), d => Assert.True(Math.Abs(d) < 0.03, $"a noise feature changed R² by {d:F3}"));
        }

        [Fact]
        public void CrossValidatesAndReportsValidationLossWithEarlyStopping()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(Friedman1(600, 5));
            var options = Options(epochs: 40);
            options.ValidationFraction = 0.2f;
            options.EarlyStoppingPatience = 3;
            var folds = ml.Regression.CrossValidate(data, ml.Regression.Trainers.Mlp(options), numberOfFolds: 3);
            Assert.Equal(3, folds.Count);
            Assert.All(folds, f => Assert.True(f.Metrics.RSquared > 0.6, $"fold R² {f.Metrics.RSquared:F4}"));
            var history = ((RegressionPredictionTransformer<MlpRegressionModelParameters>)folds[0].Model).Model.TrainingHistory;
            Assert.All(history, h => Assert.True(h.ValidationLoss > 0));
        }

        [Fact]
        public void ValidationDataAndWarmStartKeepTheLabelScaleAndTheHistory()
        {
            var ml = new MLContext(seed: 1);
            var train = ml.Data.LoadFromEnumerable(Friedman1(500, 6));
            var validation = ml.Data.LoadFromEnumerable(Friedman1(200, 7));
            var trainer = ml.Regression.Trainers.Mlp(Options(epochs: 3));
            var first = trainer.Fit(train, validation);
            Assert.All(first.Model.TrainingHistory, h => Assert.True(h.ValidationLoss > 0));
            // Warm start on rows with another mean: the initial model's scale is kept, so its output keeps its meaning.
            var shifted = ml.Data.LoadFromEnumerable(Friedman1(500, 8).Select(r => new FriedmanRow { Label = r.Label + 100, Features = r.Features }).ToArray());
            var second = trainer.Fit(shifted, first.Model);
            Assert.Equal(first.Model.LabelMean, second.Model.LabelMean);
            Assert.Equal(first.Model.LabelStandardDeviation, second.Model.LabelStandardDeviation);
            Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, second.Model.TrainingHistory.Select(h => h.Epoch));
        }

        internal sealed class WeightedRow
        {
            public float Label;
            [VectorType(10)] public float[] Features;
            public float Weight;
        }

        [Fact]
        public void TrainingControlWorks_CallbackScheduleExampleWeightsAndCancellation()
        {
            var ml = new MLContext(seed: 1);
            var rows = Friedman1(400, 9);
            // Every 4th row weighs 0. Its label still enters the (unweighted, documented) label scale, so the second fit below
            // shuffles those labels among themselves: same scale, and a fit that honours the weights does not move.
            var zeroRows = Enumerable.Range(0, rows.Length).Where(i => i % 4 == 0).ToArray();
            WeightedRow[] Weighted(bool shuffleZeroWeightLabels) => rows.Select((r, i) => new WeightedRow
            {
                Label = shuffleZeroWeightLabels && i % 4 == 0 ? rows[zeroRows[zeroRows.Length - 1 - i / 4]].Label : r.Label,
                Features = r.Features,
                Weight = i % 4 == 0 ? 0 : 1,
            }).ToArray();
            var epochs = new System.Collections.Generic.List<MlpEpochMetrics>();
            var options = new MlpRegressionTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 4, Seed = 2, ExampleWeightColumnName = "Weight",
                LearningRateSchedule = MlpLearningRateSchedule.CosineAnnealing, EpochCallback = epochs.Add,
                UseBatchNormalization = false, DropoutRate = 0,
            };
            var first = ml.Regression.Trainers.Mlp(options).Fit(ml.Data.LoadFromEnumerable(Weighted(false)));
            Assert.Equal(new[] { 1, 2, 3, 4 }, epochs.Select(e => e.Epoch));
            Assert.True(epochs[3].LearningRate < epochs[0].LearningRate, "cosine annealing lowers the learning rate");

            var probe = ml.Data.LoadFromEnumerable(Friedman1(50, 10));
            var reference = first.Transform(probe).GetColumn<float>("Score").ToArray();
            var shuffled = ml.Regression.Trainers.Mlp(options).Fit(ml.Data.LoadFromEnumerable(Weighted(true))).Transform(probe).GetColumn<float>("Score").ToArray();
            Assert.All(reference.Zip(shuffled), p => Assert.Equal(p.First, p.Second, 1e-3));

            using var cancel = new System.Threading.CancellationTokenSource();
            options.CancellationToken = cancel.Token;
            options.EpochCallback = e => { if (e.Epoch == 2) cancel.Cancel(); };
            Assert.ThrowsAny<OperationCanceledException>(() => ml.Regression.Trainers.Mlp(options).Fit(ml.Data.LoadFromEnumerable(Weighted(false))));
        }

        [Fact]
        public void ANetworkTooLargeForOneBufferIsRefusedBeforeAllocating()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(Friedman1(20, 4));
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.Mlp(
                new MlpRegressionTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 60_000, 60_000 }, NumberOfEpochs = 1 }).Fit(data));
            _output.WriteLine(error.Message);
            Assert.Equal("HiddenLayerSizes", error.ParamName);
            Assert.Contains("Mlp (regression)", error.Message);
            Assert.Contains("smaller hidden layers", error.Message);
        }

        internal sealed class BoolLabelRow
        {
            public bool Label;
            [VectorType(10)] public float[] Features;
        }

        [Fact]
        public void ALabelThatIsNotSingleIsRejectedWithTheFix()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(Friedman1(20, 4).Select(r => new BoolLabelRow { Label = r.Label > 14, Features = r.Features }).ToArray());
            var error = Assert.Throws<InvalidOperationException>(() => ml.Regression.Trainers.Mlp().Fit(data));
            Assert.Contains("'Label'", error.Message);
            Assert.Contains("Boolean", error.Message);
            Assert.Contains("ConvertType", error.Message);
        }
    }
}
