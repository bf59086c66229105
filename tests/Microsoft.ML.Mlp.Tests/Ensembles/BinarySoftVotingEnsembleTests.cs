using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    using BinaryEnsemble = BinaryPredictionTransformer<CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator>>;

    /// <summary>Binary SoftVotingEnsemble on the real digits ("is it a 3?") and on rings: fused MLP copies and trainers side by side.</summary>
    public class BinarySoftVotingEnsembleTests
    {
        private readonly ITestOutputHelper _output;

        public BinarySoftVotingEnsembleTests(ITestOutputHelper output) => _output = output;

        /// <summary>Digits in the tests' shuffled order, labelled "is it a 3?" (about 10% true).</summary>
        internal static IDataView DigitThrees(MLContext ml, int skip, int take) =>
            ml.Data.LoadFromEnumerable(Digits.Rows(skip, take).Select(d => new BinaryMlpTests.DigitRow { Label = d.Label == 3, Features = d.Features }).ToArray());

        private static MlpBinaryTrainer.Options DigitOptions() => new(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 32 }, NumberOfEpochs = 6, Seed = 0 };

        private static readonly Lazy<(MLContext Ml, BinaryEnsemble Model)> s_threeMlps = new(() =>
        {
            var ml = new MLContext(seed: 0);
            return (ml, ml.BinaryClassification.Trainers.SoftVotingEnsemble(DigitOptions(), numberOfModels: 3).Fit(DigitThrees(ml, 0, 1500)));
        });

        private static BinarySoftVotingModelParameters ThreeMlps => s_threeMlps.Value.Model.Model.SubModel;

        /// <summary>Area under the ROC curve of probabilities against labels (Mann–Whitney, ties count half).</summary>
        internal static double Auc(IReadOnlyList<float> scores, IReadOnlyList<bool> labels)
        {
            var positives = scores.Where((_, i) => labels[i]).ToArray();
            var negatives = scores.Where((_, i) => !labels[i]).ToArray();
            double wins = 0;
            foreach (var p in positives)
                foreach (var n in negatives)
                    wins += p > n ? 1 : p == n ? 0.5 : 0;
            return wins / ((double)positives.Length * negatives.Length);
        }

        [Fact]
        public void FusedEnsembleOnDigitThreesScoresAtLeastAsWellAsItsMembersWithCalibratedMetrics()
        {
            var (ml, model) = s_threeMlps.Value;
            var test = Digits.Rows(8000, 1000).ToArray();
            var labels = test.Select(r => r.Label == 3).ToArray();
            var ensemble = ThreeMlps;
            var members = Enumerable.Range(0, 3).Select(m => Auc(test.Select(r => ensemble.PredictMemberProbability(m, r.Features)).ToArray(), labels)).ToArray();
            var metrics = ml.BinaryClassification.Evaluate(model.Transform(DigitThrees(ml, 8000, 1000)));
            _output.WriteLine($"is it a 3? members AUC {string.Join(", ", members.Select(a => a.ToString("F4")))}; ensemble AUC {metrics.AreaUnderRocCurve:F4}, "
                + $"accuracy {metrics.Accuracy:P2}, log-loss {metrics.LogLoss:F4}");
            Assert.True(metrics.AreaUnderRocCurve >= members.Max() - 0.005, $"ensemble AUC {metrics.AreaUnderRocCurve:F4} vs best member {members.Max():F4}");
            Assert.True(metrics.AreaUnderRocCurve >= members.Average(), $"ensemble AUC {metrics.AreaUnderRocCurve:F4} vs members' mean {members.Average():F4}");
            Assert.InRange(metrics.LogLoss, 0.0, 0.3); // calibrated metrics exist only with a Probability column
            Assert.True(members.Distinct().Count() > 1, "members must differ");
            Assert.All(ensemble.Weights, w => Assert.Equal(1f / 3, w, 6));
            Assert.All(ensemble.Members, m => Assert.IsAssignableFrom<CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>>(m));
        }

        [Fact]
        public void ProbabilityIsTheAverageOfTheMembersAndScoreItsLogitInTheColumnsOfLogisticRegression()
        {
            var (ml, model) = s_threeMlps.Value;
            var data = DigitThrees(ml, 8000, 200);
            var scored = model.Transform(data);
            var reference = ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(DigitThrees(ml, 0, 200)).Transform(data);
            foreach (var name in new[] { "Score", "Probability", "PredictedLabel" })
                Assert.Equal(reference.Schema[name].Type, scored.Schema[name].Type);
            var scores = scored.GetColumn<float>("Score").ToArray();
            var probabilities = scored.GetColumn<float>("Probability").ToArray();
            var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
            var rows = Digits.Rows(8000, 200).ToArray();
            for (int i = 0; i < rows.Length; i++)
            {
                double average = Enumerable.Range(0, 3).Average(m => ThreeMlps.PredictMemberProbability(m, rows[i].Features));
                Assert.InRange(Math.Abs(average - probabilities[i]), 0, 1e-6);
                Assert.Equal(ThreeMlps.PredictScore(rows[i].Features), scores[i]);
                Assert.Equal(scores[i] > 0, predicted[i]);
            }
        }

        [Fact]
        public void PredictionEngineAndSaveLoadHereAndInAFreshProcessAreBitIdentical()
        {
            var (ml, model) = s_threeMlps.Value;
            var data = DigitThrees(ml, 0, 20); // the rows ModelLoadChecker scores: the first of the shuffled digits
            var scores = model.Transform(data).GetColumn<float>("Score").ToArray();
            var probabilities = model.Transform(data).GetColumn<float>("Probability").ToArray();
            var engine = ml.Model.CreatePredictionEngine<BinaryMlpTests.DigitRow, BinaryMlpTests.BinaryPrediction>(model);
            var rows = Digits.Rows(0, 20).ToArray();
            for (int i = 0; i < rows.Length; i++)
            {
                var prediction = engine.Predict(new BinaryMlpTests.DigitRow { Features = rows[i].Features });
                Assert.Equal(scores[i], prediction.Score);
                Assert.Equal(probabilities[i], prediction.Probability);
            }

            string path = Path.Combine(Path.GetTempPath(), $"binary-voting-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, data.Schema, path);
                var loaded = (BinaryEnsemble)new MLContext(seed: 5).Model.Load(path, out _);
                Assert.Equal(scores, loaded.Transform(data).GetColumn<float>("Score").ToArray());
                Assert.Equal(ThreeMlps.Weights, loaded.Model.SubModel.Weights);
                Assert.Equal(3, loaded.Model.SubModel.Members.Count);
                var fresh = SaveLoadTests.ScoreInFreshProcess(path, 20);
                Assert.Equal(scores, fresh.Select(r => r[0]).ToArray());
                Assert.Equal(probabilities, fresh.Select(r => r[1]).ToArray());
            }
            finally
            {
                File.Delete(path);
            }
        }

        private static MlpBinaryTrainer.Options RingOptions(int epochs) => new(MlpPreset.KerasReference)
        {
            HiddenLayerSizes = new[] { 16, 16 },
            NumberOfEpochs = epochs,
            LearningRate = 0.01f,
            UseBatchNormalization = false,
            DropoutRate = 0,
            Seed = 1,
        };

        [Fact]
        public void CrossValidateAndPermutationFeatureImportanceWork()
        {
            var ml = new MLContext(seed: 0);
            var data = BinaryMlpTests.Rings(ml, 600, 3);
            var trainer = ml.BinaryClassification.Trainers.SoftVotingEnsemble(RingOptions(10), numberOfModels: 2);
            var folds = ml.BinaryClassification.CrossValidate(data, trainer, numberOfFolds: 3);
            _output.WriteLine("cross-validated AUC: " + string.Join(", ", folds.Select(f => f.Metrics.AreaUnderRocCurve.ToString("F4"))));
            Assert.Equal(3, folds.Count);
            Assert.All(folds, f => Assert.True(f.Metrics.AreaUnderRocCurve > 0.9));

            var model = trainer.Fit(data);
            var importance = ml.BinaryClassification.PermutationFeatureImportance(model, data, permutationCount: 1);
            _output.WriteLine("AUC drop per feature: " + string.Join(", ", importance.Select(m => m.AreaUnderRocCurve.Mean.ToString("F4"))));
            Assert.Equal(2, importance.Length);
            Assert.All(importance, m => Assert.True(m.AreaUnderRocCurve.Mean < -0.1)); // both coordinates matter for a ring
        }

        [Fact]
        public void ValidationDataDrivesEarlyStoppingOfEachFusedMemberByItself()
        {
            // 300 digits and 30 epochs: the validation loss soon stops improving, at a different epoch for each member.
            var ml = new MLContext(seed: 0);
            var options = new MlpBinaryTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 32 }, NumberOfEpochs = 30, Seed = 0, EarlyStoppingPatience = 2 };
            var model = ml.BinaryClassification.Trainers.SoftVotingEnsemble(options, numberOfModels: 3)
                .Fit(DigitThrees(ml, 0, 300), DigitThrees(ml, 300, 200));
            var histories = model.Model.SubModel.Members
                .Select(m => ((CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>)m).SubModel.TrainingHistory).ToArray();
            _output.WriteLine("epochs per member: " + string.Join(", ", histories.Select(h => h.Count)));
            Assert.All(histories, h => Assert.All(h, e => Assert.True(e.ValidationLoss > 0)));
            Assert.All(histories, h => Assert.InRange(h.Count, 3, 30));
            Assert.Contains(histories, h => h.Count < 30); // early stopping ended at least one member
        }

        [Fact]
        public void HeterogeneousMlpAndLogisticRegressionWorkAndWeightOneZeroGivesLogisticRegression()
        {
            var ml = new MLContext(seed: 0);
            var train = DigitThrees(ml, 0, 800);
            var test = DigitThrees(ml, 8000, 500);
            var lbfgs = new LbfgsLogisticRegressionBinaryTrainer.Options { MaximumNumberOfIterations = 30 };
            var both = ml.BinaryClassification.Trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
            {
                ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 4, Seed = 0 }),
                ml.BinaryClassification.Trainers.LbfgsLogisticRegression(lbfgs),
            }).Fit(train);
            var metrics = ml.BinaryClassification.Evaluate(both.Transform(test));
            _output.WriteLine($"Mlp + LbfgsLogisticRegression: AUC {metrics.AreaUnderRocCurve:F4}, accuracy {metrics.Accuracy:P2}");
            Assert.True(metrics.AreaUnderRocCurve > 0.95);
            Assert.IsAssignableFrom<CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>>(both.Model.SubModel.Members[0]);
            Assert.IsAssignableFrom<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>>(both.Model.SubModel.Members[1]);

            var onlyLbfgs = ml.BinaryClassification.Trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
            {
                ml.BinaryClassification.Trainers.LbfgsLogisticRegression(lbfgs),
                ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 4 }, NumberOfEpochs = 1, Seed = 0 }),
            }, weights: new[] { 1f, 0f }).Fit(train);
            var alone = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(lbfgs).Fit(train);
            var expected = alone.Transform(test).GetColumn<float>("Probability").ToArray();
            var actual = onlyLbfgs.Transform(test).GetColumn<float>("Probability").ToArray();
            for (int i = 0; i < expected.Length; i++)
                Assert.InRange(Math.Abs(expected[i] - actual[i]), 0, 1e-6); // the logit → sigmoid round trip in float
        }

        [Fact]
        public void DisposedEnsembleRefusesToScore()
        {
            var ml = new MLContext(seed: 0);
            var model = ml.BinaryClassification.Trainers.SoftVotingEnsemble(RingOptions(1), numberOfModels: 2).Fit(BinaryMlpTests.Rings(ml, 50, 1));
            var features = new[] { 1f, 0f };
            Assert.True(float.IsFinite(model.Model.SubModel.PredictScore(features)));
            model.Model.SubModel.Dispose();
            Assert.Throws<ObjectDisposedException>(() => model.Model.SubModel.PredictProbability(features));
            Assert.Throws<ObjectDisposedException>(() => model.Transform(BinaryMlpTests.Rings(ml, 5, 2)).GetColumn<float>("Score").ToArray());
        }

        internal sealed class FloatLabelRow
        {
            public float Label;
            [VectorType(2)] public float[] Features;
        }

        [Fact]
        public void BadInputIsRejectedNamingTheOptionOrColumnTheValueAndTheFix()
        {
            var ml = new MLContext(seed: 0);
            var trainers = ml.BinaryClassification.Trainers;
            var options = RingOptions(1);
            Assert.Contains("numberOfModels", Assert.Throws<ArgumentOutOfRangeException>(() => trainers.SoftVotingEnsemble(options, numberOfModels: 0)).Message);
            Assert.Contains("one weight per member", Assert.Throws<ArgumentOutOfRangeException>(() => trainers.SoftVotingEnsemble(options, 3, new[] { 1f, 1f })).Message);
            Assert.Contains("weights[1] is -1", Assert.Throws<ArgumentOutOfRangeException>(() => trainers.SoftVotingEnsemble(options, 2, new[] { 1f, -1f })).Message);
            Assert.Contains("empty", Assert.Throws<ArgumentException>(() => trainers.SoftVotingEnsemble(Array.Empty<IEstimator<ITransformer>>())).Message);

            var rings = BinaryMlpTests.Rings(ml, 100, 1);
            // A wrong member is a wrong argument: refused when the ensemble is created, naming the parameter.
            var regression = Assert.Throws<ArgumentException>(() => trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
            {
                trainers.Mlp(options),
                ml.Regression.Trainers.Sdca(),
            }).Fit(rings));
            _output.WriteLine(regression.Message);
            Assert.Equal("members", regression.ParamName);
            Assert.Contains("member 1", regression.Message);
            Assert.Contains("Regression", regression.Message);
            Assert.Contains("LbfgsLogisticRegression()", regression.Message);

            var uncalibrated = Assert.Throws<InvalidOperationException>(() => trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
            {
                trainers.LinearSvm(numberOfIterations: 2),
            }).Fit(rings));
            _output.WriteLine(uncalibrated.Message);
            Assert.Contains("member 0", uncalibrated.Message);
            Assert.Contains("no probability", uncalibrated.Message);
            Assert.Contains("LbfgsLogisticRegression", uncalibrated.Message);

            var otherLabel = Assert.Throws<InvalidOperationException>(() => trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
            {
                trainers.LbfgsLogisticRegression(labelColumnName: "Other"),
            }).Fit(ml.Transforms.CopyColumns("Other", "Label").Fit(rings).Transform(rings)));
            _output.WriteLine(otherLabel.Message);
            Assert.Contains("'Other'", otherLabel.Message);
            Assert.Contains("'Label'", otherLabel.Message);

            var floats = ml.Data.LoadFromEnumerable(new[] { new FloatLabelRow { Label = 1, Features = new[] { 1f, 2f } } });
            foreach (var ensemble in new IEstimator<ITransformer>[]
            {
                trainers.SoftVotingEnsemble(options, numberOfModels: 2),
                trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[] { trainers.LbfgsLogisticRegression() }),
            })
            {
                var label = Assert.Throws<InvalidOperationException>(() => ensemble.Fit(floats));
                Assert.Contains("'Label'", label.Message);
                Assert.Contains("Boolean", label.Message);
                Assert.Contains("ConvertType", label.Message);
            }
        }
    }
}
