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
            Assert.True(stacked.MicroAccuracy >= members.Max(m => m.MicroAccuracy),
                $"stacking {stacked.MicroAccuracy:P2} is below its best member {members.Max(m => m.MicroAccuracy):P2}");
            Assert.Equal(3, stacking.Members.Count);
            Assert.IsType<MlpModelParameters>(stacking.Members[0]);
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
                ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options { HiddenLayerSizes = new[] { 64 }, NumberOfEpochs = 6, Seed = 7 }),
                ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { NumberOfThreads = 1 }),
                ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { NumberOfIterations = 40, NumberOfThreads = 1, Seed = 1 }),
            };
            var members = Members().Select(m => ml.BinaryClassification.Evaluate(m.Fit(train).Transform(test))).ToArray();
            var model = ml.BinaryClassification.Trainers.StackingEnsemble(Members(), seed: 1).Fit(train);
            var scored = model.Transform(test);
            var stacked = ml.BinaryClassification.Evaluate(scored);
            _output.WriteLine($"odd digits ({TrainRows} train / {TestRows} test): members AUC {string.Join(", ", members.Select(m => $"{m.AreaUnderRocCurve:F4} (accuracy {m.Accuracy:P2})"))}; "
                + $"stacking AUC {stacked.AreaUnderRocCurve:F4} (accuracy {stacked.Accuracy:P2}, log-loss {stacked.LogLoss:F3})");
            Assert.True(stacked.AreaUnderRocCurve >= members.Max(m => m.AreaUnderRocCurve),
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
                ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options { HiddenLayerSizes = new[] { 32, 32 }, NumberOfEpochs = 40, LearningRate = 0.003f, Seed = 1 }),
                ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1 }),
                ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options { NumberOfIterations = 100, NumberOfThreads = 1, Seed = 1 }),
            };
            var members = Members().Select(m => ml.Regression.Evaluate(m.Fit(train).Transform(test))).ToArray();
            var model = ml.Regression.Trainers.StackingEnsemble(Members(), seed: 1).Fit(train);
            var stacked = ml.Regression.Evaluate(model.Transform(test));
            _output.WriteLine($"make_friedman1 (800 train / 500 test): members R² {string.Join(", ", members.Select(m => m.RSquared.ToString("F4")))}; stacking R² {stacked.RSquared:F4} RMSE {stacked.RootMeanSquaredError:F3}");
            Assert.True(stacked.RSquared >= members.Max(m => m.RSquared),
                $"stacking R² {stacked.RSquared:F4} is below its best member's {members.Max(m => m.RSquared):F4}");
        }
    }
}
