using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Regression VotingEnsemble (scikit-learn's VotingRegressor) on make_friedman1: fused MLP copies and trainers side by side.</summary>
    public class RegressionVotingEnsembleTests
    {
        private readonly ITestOutputHelper _output;

        public RegressionVotingEnsembleTests(ITestOutputHelper output) => _output = output;

        /// <summary>scikit-learn MLPRegressor's kind of network (no batch norm, no dropout): with a few hundred rows, batch norm's
        /// Keras-like running statistics (momentum 0.99) have not settled by the epoch early stopping looks at.</summary>
        private static MlpRegressionTrainer.Options Options(int epochs = 30) => new(MlpPreset.KerasReference)
        {
            HiddenLayerSizes = new[] { 32, 32 },
            UseBatchNormalization = false,
            DropoutRate = 0,
            NumberOfEpochs = epochs,
            LearningRate = 0.003f,
            Seed = 1,
        };

        private static IDataView Friedman(MLContext ml, int count, int seed) => ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(count, seed));

        private static readonly Lazy<(MLContext Ml, RegressionPredictionTransformer<RegressionVotingModelParameters> Model, IDataView Test)> s_fiveMlps = new(() =>
        {
            var ml = new MLContext(seed: 1);
            var model = ml.Regression.Trainers.VotingEnsemble(Options(), numberOfModels: 5).Fit(Friedman(ml, 1000, 1));
            return (ml, model, Friedman(ml, 500, 2));
        });

        private static double RSquared(float[] predicted, float[] actual)
        {
            double mean = actual.Average(a => (double)a), residual = 0, total = 0;
            for (int i = 0; i < actual.Length; i++)
            {
                residual += Math.Pow(actual[i] - predicted[i], 2);
                total += Math.Pow(actual[i] - mean, 2);
            }
            return 1 - residual / total;
        }

        [Fact]
        public void FusedEnsembleOnFriedman1ScoresAtLeastAsWellAsASingleMember()
        {
            var (ml, model, test) = s_fiveMlps.Value;
            var rows = RegressionMlpTests.Friedman1(500, 2);
            var labels = rows.Select(r => r.Label).ToArray();
            var ensemble = model.Model;
            var members = Enumerable.Range(0, 5).Select(m => RSquared(rows.Select(r => ensemble.PredictMemberScore(m, r.Features)).ToArray(), labels)).ToArray();
            var metrics = ml.Regression.Evaluate(model.Transform(test));
            var single = ml.Regression.Evaluate(ml.Regression.Trainers.Mlp(Options()).Fit(Friedman(ml, 1000, 1)).Transform(test));
            _output.WriteLine($"make_friedman1 (1,000 train / 500 test): members R² {string.Join(", ", members.Select(r => r.ToString("F4")))}; "
                + $"ensemble R² {metrics.RSquared:F4} RMSE {metrics.RootMeanSquaredError:F3}; a single Mlp R² {single.RSquared:F4}");
            // Slack for other CPUs' summation order (see StackingEnsembleTests.CrossCpuTolerance); the margin here is 0.03.
            Assert.True(metrics.RSquared >= single.RSquared - 0.002, $"ensemble R² {metrics.RSquared:F4} vs a single Mlp {single.RSquared:F4}");
            // Averaging predictions never has a larger squared error than the members' mean (Jensen): this one holds exactly.
            Assert.True(metrics.RSquared >= members.Average(), $"ensemble R² {metrics.RSquared:F4} vs members' mean {members.Average():F4}");
            Assert.True(metrics.RSquared > 0.8, $"ensemble R² {metrics.RSquared:F4}");
            Assert.True(members.Distinct().Count() > 1, "members must differ");
            Assert.All(ensemble.Members, m => Assert.IsType<MlpRegressionModelParameters>(m));
            // One label scale for every fused member: the training rows'.
            Assert.Single(ensemble.Members.Cast<MlpRegressionModelParameters>().Select(m => (m.LabelMean, m.LabelStandardDeviation)).Distinct());
        }

        [Fact]
        public void ScoreIsTheMeanOfTheMembersAndPredictionEngineAgrees()
        {
            var (ml, model, test) = s_fiveMlps.Value;
            var scores = model.Transform(test).GetColumn<float>("Score").Take(50).ToArray();
            var engine = ml.Model.CreatePredictionEngine<RegressionMlpTests.FriedmanRow, RegressionMlpTests.ScoreRow>(model);
            var rows = RegressionMlpTests.Friedman1(50, 2);
            for (int i = 0; i < scores.Length; i++)
            {
                double mean = Enumerable.Range(0, 5).Average(m => model.Model.PredictMemberScore(m, rows[i].Features));
                Assert.InRange(Math.Abs(mean - scores[i]), 0, 1e-4 * Math.Max(1, Math.Abs(mean)));
                Assert.Equal(scores[i], engine.Predict(rows[i]).Score);
                Assert.Equal(scores[i], model.Model.PredictScore(rows[i].Features));
            }
        }

        [Fact]
        public void SavedEnsembleLoadsBitIdenticallyHereAndInAFreshProcess()
        {
            // The digit's value as a Single label over the 784 pixels: the inputs tests/ModelLoadChecker scores.
            var ml = new MLContext(seed: 0);
            var model = ml.Regression.Trainers.VotingEnsemble(new IEstimator<ITransformer>[]
            {
                ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 2, Seed = 3 }),
                ml.Regression.Trainers.Sdca(maximumNumberOfIterations: 5),
            }, weights: new[] { 2f, 1f }).Fit(Digits.Load(ml, 0, 300));
            var probe = Digits.Load(ml, 0, 20); // the first of the shuffled digits, as ModelLoadChecker --shuffled reads them
            string path = Path.Combine(Path.GetTempPath(), $"regression-voting-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, probe.Schema, path);
                var scores = model.Transform(probe).GetColumn<float>("Score").ToArray();
                var loaded = (RegressionPredictionTransformer<RegressionVotingModelParameters>)new MLContext(seed: 5).Model.Load(path, out _);
                Assert.Equal(scores, loaded.Transform(probe).GetColumn<float>("Score").ToArray());
                Assert.Equal(new[] { 2f / 3, 1f / 3 }, loaded.Model.Weights);
                Assert.IsType<MlpRegressionModelParameters>(loaded.Model.Members[0]);
                Assert.IsType<LinearRegressionModelParameters>(loaded.Model.Members[1]);
                var fresh = SaveLoadTests.ScoreInFreshProcess(path, 20);
                Assert.Equal(scores, fresh.Select(r => Assert.Single(r)).ToArray());
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void CrossValidatePermutationFeatureImportanceAndPerMemberEarlyStoppingWork()
        {
            var ml = new MLContext(seed: 1);
            var data = Friedman(ml, 600, 5);
            var options = Options(epochs: 40);
            options.LearningRate = 0.01f;
            options.ValidationFraction = 0.2f;
            options.EarlyStoppingPatience = 3;
            var trainer = ml.Regression.Trainers.VotingEnsemble(options, numberOfModels: 3);
            var folds = ml.Regression.CrossValidate(data, trainer, numberOfFolds: 2);
            _output.WriteLine("cross-validated R²: " + string.Join(", ", folds.Select(f => f.Metrics.RSquared.ToString("F4"))));
            var ensemble = ((RegressionPredictionTransformer<RegressionVotingModelParameters>)folds[0].Model).Model;
            var histories = ensemble.Members.Cast<MlpRegressionModelParameters>().Select(m => m.TrainingHistory).ToArray();
            _output.WriteLine("epochs per member: " + string.Join(", ", histories.Select(h => h.Count)));
            Assert.Equal(2, folds.Count);
            Assert.All(folds, f => Assert.True(f.Metrics.RSquared > 0.5, $"fold R² {f.Metrics.RSquared:F4}")); // 240 training rows per fold
            Assert.All(histories, h => Assert.All(h, e => Assert.True(e.ValidationLoss > 0)));

            var model = trainer.Fit(data);
            var importance = ml.Regression.PermutationFeatureImportance(model, data, permutationCount: 1);
            _output.WriteLine("R² drop per feature: " + string.Join(", ", importance.Select(m => m.RSquared.Mean.ToString("F3"))));
            Assert.Equal(10, importance.Length);
            // make_friedman1: features 0–4 drive the label, 5–9 are noise.
            Assert.True(importance.Take(5).Max(m => m.RSquared.Mean) < importance.Skip(5).Min(m => m.RSquared.Mean));
        }

        /// <summary>Sdca on one thread without shuffling: deterministic, so two fits can be compared bit for bit.</summary>
        private static SdcaRegressionTrainer.Options Sdca() => new() { NumberOfThreads = 1, Shuffle = false, MaximumNumberOfIterations = 20 };

        [Fact]
        public void HeterogeneousEnsembleWithWeightsZeroOneScoresExactlyLikeItsSecondMember()
        {
            var ml = new MLContext(seed: 1);
            var train = Friedman(ml, 400, 3);
            var test = Friedman(ml, 100, 4);
            var model = ml.Regression.Trainers.VotingEnsemble(new IEstimator<ITransformer>[]
            {
                ml.Regression.Trainers.Mlp(Options(epochs: 2)),
                ml.Regression.Trainers.Sdca(Sdca()),
            }, weights: new[] { 0f, 1f }).Fit(train);
            var alone = ml.Regression.Trainers.Sdca(Sdca()).Fit(train);
            Assert.Equal(alone.Transform(test).GetColumn<float>("Score").ToArray(), model.Transform(test).GetColumn<float>("Score").ToArray());
        }

        [Fact]
        public void BadInputIsRejectedNamingTheOptionOrColumnTheValueAndTheFix()
        {
            var ml = new MLContext(seed: 1);
            var trainers = ml.Regression.Trainers;
            Assert.Contains("numberOfModels", Assert.Throws<ArgumentOutOfRangeException>(() => trainers.VotingEnsemble(Options(1), numberOfModels: -1)).Message);
            Assert.Contains("All weights are 0", Assert.Throws<ArgumentOutOfRangeException>(() => trainers.VotingEnsemble(Options(1), 2, new[] { 0f, 0f })).Message);
            Assert.Contains("weights[0] is NaN", Assert.Throws<ArgumentOutOfRangeException>(() => trainers.VotingEnsemble(Options(1), 1, new[] { float.NaN })).Message);
            Assert.Contains("empty", Assert.Throws<ArgumentException>(() => trainers.VotingEnsemble(Array.Empty<IEstimator<ITransformer>>())).Message);

            var data = Friedman(ml, 50, 1);
            // Refused when the ensemble is created, before anything trains (no Fit here).
            var binary = Assert.Throws<ArgumentException>(() => trainers.VotingEnsemble(new IEstimator<ITransformer>[]
            {
                ml.BinaryClassification.Trainers.LbfgsLogisticRegression(),
            }));
            _output.WriteLine(binary.Message);
            Assert.Contains("member 0", binary.Message);
            Assert.Contains("BinaryClassification", binary.Message);
            Assert.Contains("Regression.Trainers.Sdca()", binary.Message);
            Assert.Equal("members", binary.ParamName);
            var pipeline = Assert.Throws<ArgumentException>(() => trainers.VotingEnsemble(new IEstimator<ITransformer>[]
            {
                trainers.Sdca(), ml.Transforms.NormalizeMinMax("Features").Append(trainers.Sdca()),
            }));
            Assert.Contains("member 1", pipeline.Message);
            Assert.Contains("is not a trainer", pipeline.Message);
            Assert.Contains("before the ensemble", pipeline.Message);

            var bools = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(20, 4).Select(r => new RegressionMlpTests.BoolLabelRow { Label = r.Label > 14, Features = r.Features }).ToArray());
            foreach (var ensemble in new IEstimator<ITransformer>[] { trainers.VotingEnsemble(Options(1), 2), trainers.VotingEnsemble(new[] { trainers.Sdca() }) })
            {
                var label = Assert.Throws<InvalidOperationException>(() => ensemble.Fit(bools));
                Assert.Contains("'Label'", label.Message);
                Assert.Contains("Boolean", label.Message);
                Assert.Contains("ConvertType", label.Message);
            }
        }
    }
}
