using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>StackingEnsemble for the three tasks on real data (digits, make_friedman1), with real members: Mlp, L-BFGS, LightGbm.</summary>
    public class StackingEnsembleTests
    {
        private readonly ITestOutputHelper _output;

        public StackingEnsembleTests(ITestOutputHelper output) => _output = output;

        internal const int TrainRows = 600, TestSkip = 600, TestRows = 400;

        /// <summary>The digits labelled "is it odd?": harder than one digit against the rest, so members differ.</summary>
        /// <summary>
        /// Slack in "at least as well as the best member": training runs through libtorch's matrix products, whose summation
        /// order differs between CPUs (AVX2 or AVX-512, Intel or AMD), so figures move in their third decimal from machine to
        /// machine. 0.002 is under one test row of accuracy (1/400) and far below the margins seen here (0.004–0.0125).
        /// </summary>
        private const double CrossCpuTolerance = 0.002;

        internal static IDataView OddDigits(MLContext ml, int skip, int take) =>
            ml.Data.LoadFromEnumerable(Digits.Rows(skip, take).Select(d => new BinaryMlpTests.DigitRow { Label = d.Label % 2 == 1, Features = d.Features }).ToArray());

        internal static IEstimator<ITransformer>[] DigitMembers(MLContext ml)
        {
            var mlp = TrainedDigits.QuickOptions(epochs: 6);
            mlp.HiddenLayerSizes = new[] { 64 };
            return new IEstimator<ITransformer>[]
            {
                ml.MulticlassClassification.Trainers.Mlp(mlp),
                ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { MaximumNumberOfIterations = 40, NumberOfThreads = 1 }),
                ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options { NumberOfIterations = 30, NumberOfThreads = 1, Seed = 1 }),
            };
        }

        private static IEstimator<ITransformer> Keyed(MLContext ml, IEstimator<ITransformer> trainer) =>
            ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        private static readonly Lazy<(MLContext Ml, ITransformer Model, MulticlassStackingModelParameters Stacking)> s_digits = new(() =>
        {
            var ml = new MLContext(seed: 1);
            var model = Keyed(ml, ml.MulticlassClassification.Trainers.StackingEnsemble(DigitMembers(ml), seed: 1)).Fit(Digits.Load(ml, 0, TrainRows));
            var stacking = ((System.Collections.Generic.IEnumerable<ITransformer>)model).OfType<MulticlassPredictionTransformer<MulticlassStackingModelParameters>>().Single().Model;
            return (ml, model, stacking);
        });

        [Fact]
        public void MulticlassStackingScoresAtLeastAsWellAsItsBestMemberOnHeldOutDigits()
        {
            var (ml, model, stacking) = s_digits.Value;
            var test = Digits.Load(ml, TestSkip, TestRows);
            var members = DigitMembers(ml).Select(m => ml.MulticlassClassification.Evaluate(Keyed(ml, m).Fit(Digits.Load(ml, 0, TrainRows)).Transform(test))).ToArray();
            var stacked = ml.MulticlassClassification.Evaluate(model.Transform(test));
            _output.WriteLine($"digits ({TrainRows} train / {TestRows} test): members {string.Join(", ", members.Select(m => $"{m.MicroAccuracy:P2} (log-loss {m.LogLoss:F3})"))}; "
                + $"stacking {stacked.MicroAccuracy:P2} (log-loss {stacked.LogLoss:F3})");
            Assert.True(stacked.MicroAccuracy >= members.Max(m => m.MicroAccuracy) - CrossCpuTolerance,
                $"stacking {stacked.MicroAccuracy:P2} is below its best member {members.Max(m => m.MicroAccuracy):P2}");
            Assert.Equal(3, stacking.Members.Count);
            Assert.IsType<MlpMulticlassModelParameters>(stacking.Members[0]);
            Assert.IsType<MaximumEntropyModelParameters>(stacking.MetaModel);
            Assert.Equal(5, stacking.NumberOfFolds);
            Assert.Equal(10, stacking.NumberOfClasses);
        }

        [Fact]
        public void BinaryStackingGivesCalibratedMetricsAndBeatsItsBestMember()
        {
            var ml = new MLContext(seed: 1);
            var train = OddDigits(ml, 0, TrainRows);
            var test = OddDigits(ml, TestSkip, TestRows);
            IEstimator<ITransformer>[] Members() => new IEstimator<ITransformer>[]
            {
                ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 64 }, NumberOfEpochs = 6, Seed = 7 }),
                ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { NumberOfThreads = 1 }),
                ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { NumberOfIterations = 40, NumberOfThreads = 1, Seed = 1 }),
            };
            var members = Members().Select(m => ml.BinaryClassification.Evaluate(m.Fit(train).Transform(test))).ToArray();
            var model = ml.BinaryClassification.Trainers.StackingEnsemble(Members(), seed: 1).Fit(train);
            var scored = model.Transform(test);
            var stacked = ml.BinaryClassification.Evaluate(scored);
            _output.WriteLine($"odd digits ({TrainRows} train / {TestRows} test): members AUC {string.Join(", ", members.Select(m => $"{m.AreaUnderRocCurve:F4} (accuracy {m.Accuracy:P2})"))}; "
                + $"stacking AUC {stacked.AreaUnderRocCurve:F4} (accuracy {stacked.Accuracy:P2}, log-loss {stacked.LogLoss:F3})");
            Assert.True(stacked.AreaUnderRocCurve >= members.Max(m => m.AreaUnderRocCurve) - CrossCpuTolerance,
                $"stacking AUC {stacked.AreaUnderRocCurve:F4} is below its best member's {members.Max(m => m.AreaUnderRocCurve):F4}");
            Assert.InRange(stacked.LogLoss, 0, 0.5);
            // Score is the logit of Probability; PredictedLabel is Probability > 0.5.
            var scores = scored.GetColumn<float>("Score").ToArray();
            var probabilities = scored.GetColumn<float>("Probability").ToArray();
            var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
            for (int i = 0; i < scores.Length; i++)
            {
                Assert.Equal(1 / (1 + Math.Exp(-scores[i])), probabilities[i], 5);
                Assert.Equal(probabilities[i] > 0.5f, predicted[i]);
            }
            Assert.IsAssignableFrom<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>>(model.Model.SubModel.MetaModel);
        }

        [Fact]
        public void RegressionStackingScoresAtLeastAsWellAsItsBestMemberOnFriedman1()
        {
            var ml = new MLContext(seed: 1);
            var train = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(800, 1));
            var test = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(500, 2));
            IEstimator<ITransformer>[] Members() => new IEstimator<ITransformer>[]
            {
                ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 32, 32 }, NumberOfEpochs = 40, LearningRate = 0.003f, Seed = 1 }),
                ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1 }),
                ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options { NumberOfIterations = 100, NumberOfThreads = 1, Seed = 1 }),
            };
            var members = Members().Select(m => ml.Regression.Evaluate(m.Fit(train).Transform(test))).ToArray();
            var model = ml.Regression.Trainers.StackingEnsemble(Members(), seed: 1).Fit(train);
            var stacked = ml.Regression.Evaluate(model.Transform(test));
            _output.WriteLine($"make_friedman1 (800 train / 500 test): members R² {string.Join(", ", members.Select(m => m.RSquared.ToString("F4")))}; stacking R² {stacked.RSquared:F4} RMSE {stacked.RootMeanSquaredError:F3}");
            Assert.True(stacked.RSquared >= members.Max(m => m.RSquared) - CrossCpuTolerance,
                $"stacking R² {stacked.RSquared:F4} is below its best member's {members.Max(m => m.RSquared):F4}");
        }

        [Fact]
        public void MulticlassStackingWorksWithPredictionEnginePermutationFeatureImportanceAndAFreshProcess()
        {
            var (ml, model, _) = s_digits.Value;
            var engine = ml.Model.CreatePredictionEngine<MnistCatalog.MnistImage, MlpTrainerTests.ScoredDigit>(model, inputSchemaDefinition: MnistCatalog.ImageSchema());
            var batch = TrainedDigits.Scores(model, Digits.Load(ml, TestSkip, 20));
            var rows = Digits.Rows(TestSkip, 20).ToArray();
            for (int i = 0; i < rows.Length; i++)
                Assert.Equal(batch[i], engine.Predict(rows[i]).Score);
            Assert.True(rows.Count(r => engine.Predict(r).PredictedLabel == r.Label) >= 15); // PredictedLabel maps back to the digit

            var chain = ((System.Collections.Generic.IEnumerable<ITransformer>)model).ToArray();
            var keyed = chain[0].Transform(Digits.Load(ml, TestSkip, 50));
            var pfi = ml.MulticlassClassification.PermutationFeatureImportance((MulticlassPredictionTransformer<MulticlassStackingModelParameters>)chain[1], keyed, permutationCount: 1);
            Assert.Equal(784, pfi.Length);
            Assert.Equal(0, pfi[0].MicroAccuracy.Mean, 6); // a corner pixel is always 0: permuting it changes nothing

            string path = Path.Combine(Path.GetTempPath(), $"stacking-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, Digits.Load(ml, 0, 1).Schema, path);
                Assert.Equal(TrainedDigits.Scores(model, Digits.Load(ml, 0, 30)), SaveLoadTests.ScoreInFreshProcess(path, 30));
            }
            finally
            {
                File.Delete(path);
            }
        }

        /// <summary>Cheap binary or regression stacking models on the digits, as tests/ModelLoadChecker reads them (784 pixels).</summary>
        private static (ITransformer Model, IDataView Probe) QuickModel(MLContext ml, string task)
        {
            if (task == "binary")
                return (ml.BinaryClassification.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 2, Seed = 3 }),
                    ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { MaximumNumberOfIterations = 20, NumberOfThreads = 1 }),
                }, numberOfFolds: 3, seed: 2).Fit(OddDigits(ml, 0, 300)), OddDigits(ml, 0, 20));
            return (ml.Regression.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
            {
                ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 2, Seed = 3 }),
                ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1, MaximumNumberOfIterations = 5 }),
            }, numberOfFolds: 3, seed: 2).Fit(Digits.Load(ml, 0, 300)), Digits.Load(ml, 0, 20));
        }

        [Theory]
        [InlineData("binary")]
        [InlineData("regression")]
        public void BinaryAndRegressionStackingLoadInAFreshProcessWithBitIdenticalScores(string task)
        {
            var ml = new MLContext(seed: 0);
            var (model, probe) = QuickModel(ml, task);
            var scored = model.Transform(probe);
            var expected = task == "binary"
                ? scored.GetColumn<float>("Score").Zip(scored.GetColumn<float>("Probability"), (s, p) => new[] { s, p }).ToArray()
                : scored.GetColumn<float>("Score").Select(s => new[] { s }).ToArray();
            string path = Path.Combine(Path.GetTempPath(), $"stacking-{task}-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, probe.Schema, path);
                Assert.Equal(expected, SaveLoadTests.ScoreInFreshProcess(path, 20));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void CrossValidateWorksForMulticlassAndRegressionStacking()
        {
            var ml = new MLContext(seed: 1);
            var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits.Load(ml, 0, 300)).Transform(Digits.Load(ml, 0, 300));
            var folds = ml.MulticlassClassification.CrossValidate(keyed, ml.MulticlassClassification.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
            {
                ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { MaximumNumberOfIterations = 10, NumberOfThreads = 1 }),
                ml.MulticlassClassification.Trainers.Mlp(TrainedDigits.QuickOptions(epochs: 2)),
            }, numberOfFolds: 2), numberOfFolds: 2);
            Assert.Equal(2, folds.Count);
            Assert.All(folds, f => Assert.True(f.Metrics.MicroAccuracy > 0.6, $"fold accuracy {f.Metrics.MicroAccuracy:P2}"));

            var friedman = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(400, 4));
            var regression = ml.Regression.CrossValidate(friedman, ml.Regression.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
            {
                ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1 }),
                ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options { NumberOfIterations = 50, NumberOfThreads = 1 }),
            }, numberOfFolds: 3), numberOfFolds: 2);
            Assert.All(regression, f => Assert.True(f.Metrics.RSquared > 0.6, $"fold R² {f.Metrics.RSquared:F3}"));
        }

        internal sealed class ScoreOnly
        {
            public float Score;
        }

        [Theory]
        [InlineData("binary")]
        [InlineData("regression")]
        public void BinaryAndRegressionStackingWorkWithCrossValidatePredictionEngineAndPermutationFeatureImportance(string task)
        {
            var ml = new MLContext(seed: 0);
            var (model, probe) = QuickModel(ml, task);
            // PredictionEngine gives the Score column's values, row by row.
            var engine = ml.Model.CreatePredictionEngine<BinaryMlpTests.DigitRow, ScoreOnly>(model);
            var scores = model.Transform(probe).GetColumn<float>("Score").ToArray();
            var features = probe.GetColumn<float[]>("Features").ToArray();
            for (int i = 0; i < 5; i++)
                Assert.Equal(scores[i], engine.Predict(new BinaryMlpTests.DigitRow { Features = features[i] }).Score);

            var data = task == "binary" ? OddDigits(ml, 0, 300) : Digits.Load(ml, 0, 300);
            if (task == "binary")
            {
                var stacking = (BinaryPredictionTransformer<Microsoft.ML.Calibrators.CalibratedModelParametersBase<BinaryStackingModelParameters, Microsoft.ML.Calibrators.PlattCalibrator>>)model;
                var importance = ml.BinaryClassification.PermutationFeatureImportance(stacking, ml.Data.TakeRows(data, 100), permutationCount: 1);
                Assert.Equal(784, importance.Length);
                Assert.Contains(importance, m => m.AreaUnderRocCurve.Mean < 0); // some pixels matter
                var folds = ml.BinaryClassification.CrossValidate(data, ml.BinaryClassification.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { MaximumNumberOfIterations = 20, NumberOfThreads = 1 }),
                    ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 2, Seed = 3 }),
                }, numberOfFolds: 2), numberOfFolds: 2);
                Assert.All(folds, f => Assert.True(f.Metrics.AreaUnderRocCurve > 0.8, $"fold AUC {f.Metrics.AreaUnderRocCurve:F3}"));
            }
            else
            {
                var stacking = (RegressionPredictionTransformer<RegressionStackingModelParameters>)model;
                var importance = ml.Regression.PermutationFeatureImportance(stacking, ml.Data.TakeRows(data, 100), permutationCount: 1);
                Assert.Equal(784, importance.Length);
                Assert.Contains(importance, m => m.RootMeanSquaredError.Mean > 0); // some pixels matter
            }
        }

        private static float[] RegressionScores(int? seed)
        {
            var ml = new MLContext(seed: 1);
            var model = ml.Regression.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
            {
                ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1 }),
                ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options { NumberOfIterations = 30, NumberOfThreads = 1 }),
            }, seed: seed).Fit(ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(300, 6)));
            return model.Transform(ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(50, 7))).GetColumn<float>("Score").ToArray();
        }

        [Fact]
        public void TheSameSeedGivesTheSameEnsembleAndAnotherSeedOtherFolds()
        {
            Assert.Equal(RegressionScores(seed: 1), RegressionScores(seed: 1));
            Assert.Equal(RegressionScores(seed: null), RegressionScores(seed: null)); // from the MLContext's seed
            Assert.NotEqual(RegressionScores(seed: 1), RegressionScores(seed: 2));
        }

        [Fact]
        public void DisposeReleasesTheMembersAndScoringThenThrows()
        {
            var ml = new MLContext(seed: 0);
            var (model, probe) = QuickModel(ml, "regression");
            var stacking = ((RegressionPredictionTransformer<RegressionStackingModelParameters>)model).Model;
            var mlp = Assert.IsType<MlpRegressionModelParameters>(stacking.Members[0]);
            stacking.Dispose();
            Assert.True(mlp.IsDisposed);
            // ML.NET calls mappers through reflection: the cause is the innermost exception.
            var ex = Assert.ThrowsAny<Exception>(() => model.Transform(probe).GetColumn<float>("Score").ToArray()).GetBaseException();
            Assert.IsType<ObjectDisposedException>(ex);
            Assert.Contains("RegressionStackingModelParameters (2 members) was disposed", ex.Message);
            Assert.IsType<ObjectDisposedException>(Assert.ThrowsAny<Exception>(() => ml.Model.Save(model, probe.Schema, new MemoryStream())).GetBaseException());
        }

        [Fact]
        public void ADamagedStackingBlockIsReportedAsACorruptFileNamingTheModel()
        {
            var ml = new MLContext(seed: 0);
            var (model, probe) = QuickModel(ml, "binary");
            var saved = new MemoryStream();
            ml.Model.Save(model, probe.Schema, saved);
            saved.Position = 0;
            var zip = ModelZip.Open(saved);
            string entry = zip.Entries.Select(e => e.Name).Single(n => n.EndsWith("Model.key", StringComparison.Ordinal) && ModelZip.Signature(zip[n]) == "STACKBIN");
            var bytes = (byte[])zip[entry].Clone();
            bytes[ModelZip.ModelRegion(bytes).Start + 20] ^= 1; // inside the payload: the checksum no longer matches
            using var damaged = zip.With(entry, bytes);
            var ex = Assert.ThrowsAny<Exception>(() => ml.Model.Load(damaged, out _)).GetBaseException();
            Assert.IsType<InvalidDataException>(ex);
            Assert.Contains("the BinaryStackingModelParameters at", ex.Message);
            Assert.Contains("SHA-256", ex.Message);
        }

        [Fact]
        public void FoldsAreStratifiedSeededAndBalanced()
        {
            var ml = new MLContext(seed: 0);
            // 103 rows: class 1 has 70, class 2 has 30, class 3 has 3 (fewer than the folds: a warning, not an error).
            var labels = Enumerable.Range(0, 103).Select(i => i < 70 ? 0f : i < 100 ? 1f : 2f).ToArray();
            var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Raw()).Transform(Raw());
            IDataView Raw() => ml.Data.LoadFromEnumerable(labels.Select(l => new MnistCatalog.MnistImage { Label = l, Features = new float[784] }).ToArray(), MnistCatalog.ImageSchema());
            using var channel = ((Microsoft.ML.Runtime.IHostEnvironment)ml).Start("test");
            var folds = FoldAssignment.Assign(data, Microsoft.ML.Trainers.Mlp.Tasks.MulticlassTask.Instance, "Label", 5, seed: 4, channel);
            Assert.Equal(103, folds.Length);
            var sizes = Enumerable.Range(0, 5).Select(k => folds.Count(f => f == k)).ToArray();
            Assert.True(sizes.Max() - sizes.Min() <= 1, string.Join(",", sizes));
            foreach (float label in new[] { 0f, 1f })
            {
                var perFold = Enumerable.Range(0, 5).Select(k => folds.Where((f, r) => f == k && labels[r] == label).Count()).ToArray();
                Assert.True(perFold.Max() - perFold.Min() <= 1, $"class {label}: {string.Join(",", perFold)}");
            }
            Assert.Equal(folds, FoldAssignment.Assign(data, Microsoft.ML.Trainers.Mlp.Tasks.MulticlassTask.Instance, "Label", 5, seed: 4, channel));
            Assert.NotEqual(folds, FoldAssignment.Assign(data, Microsoft.ML.Trainers.Mlp.Tasks.MulticlassTask.Instance, "Label", 5, seed: 5, channel));

            // A fold's training rows stream through RowSubsetDataView in order, with the source's columns and a known count.
            var keep = folds.Select(f => f != 0).ToArray();
            var subset = new RowSubsetDataView(data, keep);
            Assert.Equal(keep.Count(k => k), subset.GetRowCount());
            Assert.Equal(data.GetColumn<uint>("Label").Where((_, r) => keep[r]), subset.GetColumn<uint>("Label"));
        }
    }
}
