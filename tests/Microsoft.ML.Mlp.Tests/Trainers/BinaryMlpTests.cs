using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>The binary Mlp on real digits ("is it a 3?") and on a non-linear 2-D set (two concentric rings).</summary>
    public class BinaryMlpTests
    {
        private readonly ITestOutputHelper _output;

        public BinaryMlpTests(ITestOutputHelper output) => _output = output;

        internal sealed class DigitRow
        {
            public bool Label;
            [VectorType(784)] public float[] Features;
        }

        internal sealed class PointRow
        {
            public bool Label;
            [VectorType(2)] public float[] Features;
            public float Weight;
        }

        /// <summary>Digits in the tests' shuffled order, labelled "is it a 3?" (about 10% true).</summary>
        internal static IDataView DigitThrees(MLContext ml, int skip, int take) =>
            ml.Data.LoadFromEnumerable(Digits.Rows(skip, take).Select(d => new DigitRow { Label = d.Label == 3, Features = d.Features }).ToArray());

        /// <summary>Two concentric rings (radius 1 = false, 2 = true, noise 0.25): no line separates them.</summary>
        internal static IDataView Rings(MLContext ml, int count, int seed)
        {
            var random = new Random(seed);
            var rows = new PointRow[count];
            for (int i = 0; i < count; i++)
            {
                bool outer = i % 2 == 1;
                double angle = random.NextDouble() * 2 * Math.PI, radius = (outer ? 2 : 1) + (random.NextDouble() - 0.5) * 0.5;
                rows[i] = new PointRow { Label = outer, Features = new[] { (float)(radius * Math.Cos(angle)), (float)(radius * Math.Sin(angle)) }, Weight = 1 };
            }
            return ml.Data.LoadFromEnumerable(rows);
        }

        private static MlpBinaryTrainer.Options RingOptions() => new(MlpPreset.KerasReference)
        {
            HiddenLayerSizes = new[] { 16, 16 },
            NumberOfEpochs = 15,
            LearningRate = 0.01f,
            UseBatchNormalization = false,
            DropoutRate = 0,
            Seed = 1,
        };

        private static readonly Lazy<(MLContext Ml, ITransformer Model, IDataView Test)> s_digits = new(() =>
        {
            var ml = new MLContext(seed: 0);
            var model = ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 32 }, NumberOfEpochs = 8, Seed = 0 })
                .Fit(DigitThrees(ml, 0, 2000));
            return (ml, model, DigitThrees(ml, 8000, 1000));
        });

        [Fact]
        public void MatchesLogisticRegressionOnDigitThreesWithCalibratedMetrics()
        {
            var (ml, model, test) = s_digits.Value;
            var mlp = ml.BinaryClassification.Evaluate(model.Transform(test));
            var lbfgs = ml.BinaryClassification.Evaluate(ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(DigitThrees(ml, 0, 2000)).Transform(test));
            _output.WriteLine($"is it a 3? Mlp AUC {mlp.AreaUnderRocCurve:F4} accuracy {mlp.Accuracy:P2} log-loss {mlp.LogLoss:F4}; "
                + $"LbfgsLogisticRegression AUC {lbfgs.AreaUnderRocCurve:F4} accuracy {lbfgs.Accuracy:P2} log-loss {lbfgs.LogLoss:F4}");
            Assert.True(Math.Abs(mlp.AreaUnderRocCurve - lbfgs.AreaUnderRocCurve) <= 0.02 || mlp.AreaUnderRocCurve > lbfgs.AreaUnderRocCurve,
                $"Mlp AUC {mlp.AreaUnderRocCurve:F4} vs logistic regression {lbfgs.AreaUnderRocCurve:F4}");
            Assert.True(mlp.AreaUnderRocCurve > 0.97);
            Assert.True(mlp.Accuracy > 0.95);
            Assert.InRange(mlp.LogLoss, 0.0, 0.2); // calibrated metrics exist only with a Probability column
            Assert.True(mlp.LogLossReduction > 0.5);
        }

        [Fact]
        public void BeatsLogisticRegressionOnRings()
        {
            var ml = new MLContext(seed: 0);
            var train = Rings(ml, 1000, 1);
            var test = Rings(ml, 1000, 2);
            var mlp = ml.BinaryClassification.Evaluate(ml.BinaryClassification.Trainers.Mlp(RingOptions()).Fit(train).Transform(test));
            var lbfgs = ml.BinaryClassification.Evaluate(ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(train).Transform(test));
            _output.WriteLine($"rings: Mlp AUC {mlp.AreaUnderRocCurve:F4} accuracy {mlp.Accuracy:P2}; LbfgsLogisticRegression AUC {lbfgs.AreaUnderRocCurve:F4} accuracy {lbfgs.Accuracy:P2}");
            Assert.True(mlp.AreaUnderRocCurve > 0.97, $"Mlp AUC {mlp.AreaUnderRocCurve:F4}");
            Assert.True(mlp.AreaUnderRocCurve > lbfgs.AreaUnderRocCurve + 0.25, $"Mlp AUC {mlp.AreaUnderRocCurve:F4} vs logistic regression {lbfgs.AreaUnderRocCurve:F4}");
        }

        [Fact]
        public void HasTheColumnsOfLogisticRegressionAndProbabilityIsTheSigmoidOfScore()
        {
            var (ml, model, test) = s_digits.Value;
            var scored = model.Transform(test);
            var reference = ml.BinaryClassification.Trainers.LbfgsLogisticRegression().Fit(DigitThrees(ml, 0, 200)).Transform(test);
            foreach (var name in new[] { "Score", "Probability", "PredictedLabel" })
                Assert.Equal(reference.Schema[name].Type, scored.Schema[name].Type);
            var scores = scored.GetColumn<float>("Score").ToArray();
            var probabilities = scored.GetColumn<float>("Probability").ToArray();
            var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
            for (int i = 0; i < scores.Length; i++)
            {
                Assert.InRange(Math.Abs(1 / (1 + Math.Exp(-scores[i])) - probabilities[i]), 0, 1e-6); // float rounding of the sigmoid
                Assert.Equal(scores[i] > 0, predicted[i]);
            }
            // The score is the logit of the two-output network: its probability of true, from the same weights.
            var sub = ((BinaryPredictionTransformer<CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>>)model).Model.SubModel;
            var first = test.GetColumn<float[]>("Features").First();
            Assert.Equal(scores[0], sub.PredictScore(first));
            Assert.Equal(784, sub.NumberOfFeatures);
            Assert.Equal(8, sub.TrainingHistory.Count);
        }

        [Fact]
        public void PredictionEngineGivesTheScoresOfTransform()
        {
            var (ml, model, test) = s_digits.Value;
            var scored = model.Transform(test);
            var scores = scored.GetColumn<float>("Score").Take(50).ToArray();
            var probabilities = scored.GetColumn<float>("Probability").Take(50).ToArray();
            var engine = ml.Model.CreatePredictionEngine<DigitRow, BinaryPrediction>(model);
            int i = 0;
            foreach (var row in Digits.Rows(8000, 50))
            {
                var prediction = engine.Predict(new DigitRow { Features = row.Features });
                Assert.Equal(scores[i], prediction.Score);
                Assert.Equal(probabilities[i], prediction.Probability);
                Assert.Equal(scores[i] > 0, prediction.PredictedLabel);
                i++;
            }
        }

        internal sealed class BinaryPrediction
        {
            public float Score;
            public float Probability;
            public bool PredictedLabel;
        }

        [Fact]
        public void SavedModelLoadsBitIdenticallyHereAndInAFreshProcess()
        {
            var (ml, model, test) = s_digits.Value;
            string path = Path.Combine(Path.GetTempPath(), $"mlp-binary-{Guid.NewGuid():N}.zip");
            try
            {
                var data = DigitThrees(ml, 0, 20); // the rows ModelLoadChecker scores: the first of the shuffled digits
                ml.Model.Save(model, data.Schema, path);
                var scores = model.Transform(data).GetColumn<float>("Score").ToArray();
                var probabilities = model.Transform(data).GetColumn<float>("Probability").ToArray();
                var loaded = ml.Model.Load(path, out _);
                Assert.Equal(scores, loaded.Transform(data).GetColumn<float>("Score").ToArray());
                Assert.Equal(probabilities, loaded.Transform(data).GetColumn<float>("Probability").ToArray());
                var fresh = SaveLoadTests.ScoreInFreshProcess(path, 20);
                Assert.Equal(scores, fresh.Select(r => r[0]).ToArray());
                Assert.Equal(probabilities, fresh.Select(r => r[1]).ToArray());
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void CrossValidateAndPermutationFeatureImportanceWork()
        {
            var ml = new MLContext(seed: 0);
            var data = Rings(ml, 600, 3);
            var options = RingOptions();
            options.NumberOfEpochs = 10;
            var folds = ml.BinaryClassification.CrossValidate(data, ml.BinaryClassification.Trainers.Mlp(options), numberOfFolds: 3);
            _output.WriteLine("cross-validated AUC: " + string.Join(", ", folds.Select(f => f.Metrics.AreaUnderRocCurve.ToString("F4"))));
            Assert.Equal(3, folds.Count);
            Assert.All(folds, f => Assert.True(f.Metrics.AreaUnderRocCurve > 0.9));

            var model = ml.BinaryClassification.Trainers.Mlp(options).Fit(data);
            var importance = ml.BinaryClassification.PermutationFeatureImportance(model, data, permutationCount: 1);
            _output.WriteLine("AUC drop per feature: " + string.Join(", ", importance.Select(m => m.AreaUnderRocCurve.Mean.ToString("F4"))));
            Assert.Equal(2, importance.Length);
            Assert.All(importance, m => Assert.True(m.AreaUnderRocCurve.Mean < -0.1)); // both coordinates matter for a ring
        }

        [Fact]
        public void TrainingControlWorks_ValidationEarlyStoppingWeightsClassWeightingWarmStart()
        {
            var ml = new MLContext(seed: 0);
            var train = Rings(ml, 600, 4);
            var epochs = new List<MlpEpochMetrics>();
            var options = RingOptions();
            options.ExampleWeightColumnName = "Weight";
            options.ClassWeighting = MlpClassWeighting.Balanced;
            options.ValidationFraction = 0.2f;
            options.EarlyStoppingPatience = 3;
            options.LearningRateSchedule = MlpLearningRateSchedule.CosineAnnealing;
            options.EpochCallback = epochs.Add;
            var trainer = ml.BinaryClassification.Trainers.Mlp(options);
            var first = trainer.Fit(train);
            Assert.NotEmpty(epochs);
            Assert.All(epochs, e => Assert.NotNull(e.ValidationLoss));
            var sub = first.Model.SubModel;
            Assert.Equal(epochs.Count, sub.TrainingHistory.Count);

            options.ValidationFraction = 0;
            options.EarlyStoppingPatience = 0;
            options.NumberOfEpochs = 2;
            var continued = ml.BinaryClassification.Trainers.Mlp(options).Fit(train, sub);
            Assert.Equal(sub.TrainingHistory.Count + 2, continued.Model.SubModel.TrainingHistory.Count);
            Assert.Equal(sub.TrainingHistory[^1].Epoch + 1, continued.Model.SubModel.TrainingHistory[sub.TrainingHistory.Count].Epoch);

            var withValidation = ml.BinaryClassification.Trainers.Mlp(RingOptions()).Fit(train, Rings(ml, 200, 5));
            Assert.All(withValidation.Model.SubModel.TrainingHistory, e => Assert.NotNull(e.ValidationAccuracy));
        }

        internal sealed class TextLabelRow
        {
            public string Label;
            [VectorType(2)] public float[] Features;
        }

        [Fact]
        public void ATextLabelIsRejectedWithMapValueAsTheFix()
        {
            var ml = new MLContext(seed: 0);
            var data = ml.Data.LoadFromEnumerable(new[]
            {
                new TextLabelRow { Label = "pos", Features = new[] { 1f, 2f } },
                new TextLabelRow { Label = "neg", Features = new[] { 3f, 4f } },
            });
            var ex = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Mlp().Fit(data));
            _output.WriteLine(ex.Message);
            Assert.Contains("'Label'", ex.Message);
            Assert.Contains("MapValue", ex.Message);
            Assert.DoesNotContain("ConvertType", ex.Message); // text does not convert to Boolean
        }

        [Fact]
        public void ALabelThatIsNotBooleanIsRejectedWithTheFix()
        {
            var ml = new MLContext(seed: 0);
            var digits = Digits.Load(ml, 0, 50); // Label is Single
            var ex = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Mlp().Fit(digits));
            _output.WriteLine(ex.Message);
            Assert.Contains("'Label'", ex.Message);
            Assert.Contains("Single", ex.Message);
            Assert.Contains("Boolean", ex.Message);
            Assert.Contains("ConvertType", ex.Message);
            // Through a pipeline too (ML.NET's schema propagation reaches our check first).
            var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.BinaryClassification.Trainers.Mlp());
            var pipelineError = Assert.Throws<InvalidOperationException>(() => keyed.Fit(digits));
            Assert.Contains("MapKeyToValue", pipelineError.Message);
        }
    }
}
