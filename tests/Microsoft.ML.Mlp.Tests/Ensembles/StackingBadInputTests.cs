using System;
using System.Linq;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Every way to misuse StackingEnsemble fails with a message that names the option, the value and the fix.</summary>
    public class StackingBadInputTests
    {
        private static IEstimator<ITransformer> MaxEnt(MLContext ml) =>
            ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { MaximumNumberOfIterations = 5, NumberOfThreads = 1 });

        private static IEstimator<ITransformer> Logistic(MLContext ml) =>
            ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { MaximumNumberOfIterations = 5, NumberOfThreads = 1 });

        private static IDataView Keyed(MLContext ml, int rows) =>
            ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits.Load(ml, 0, rows)).Transform(Digits.Load(ml, 0, rows));

        [Fact]
        public void FewerThanTwoMembersOrFoldsAreRejected()
        {
            var ml = new MLContext(seed: 1);
            var one = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.StackingEnsemble(new[] { MaxEnt(ml) }));
            Assert.Equal("members", one.ParamName);
            Assert.Contains("members holds 1 trainer(s), but stacking needs at least 2", one.Message);
            Assert.Contains("at least 2", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.StackingEnsemble(Array.Empty<IEstimator<ITransformer>>())).Message);
            Assert.Contains("labelColumnName must name", Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.StackingEnsemble(new[] { Logistic(ml), Logistic(ml) }, labelColumnName: null)).Message);
            Assert.Contains("featureColumnName must name", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.StackingEnsemble(Array.Empty<IEstimator<ITransformer>>(), featureColumnName: "")).Message);
            Assert.Contains("members[1] is null", Assert.Throws<ArgumentException>(() => ml.BinaryClassification.Trainers.StackingEnsemble(new[] { Logistic(ml), null })).Message);
            var folds = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.StackingEnsemble(new[] { MaxEnt(ml), MaxEnt(ml) }, numberOfFolds: 1));
            Assert.Equal("numberOfFolds", folds.ParamName);
            Assert.Contains("numberOfFolds is 1, but it must be at least 2", folds.Message);
            Assert.Contains("default 5", folds.Message);
        }

        [Fact]
        public void MoreFoldsThanRowsAreRejectedWithTheLargestUsableCount()
        {
            var ml = new MLContext(seed: 1);
            var ex = Assert.Throws<InvalidOperationException>(() =>
                ml.MulticlassClassification.Trainers.StackingEnsemble(new[] { MaxEnt(ml), MaxEnt(ml) }, numberOfFolds: 5).Fit(Keyed(ml, 3)));
            Assert.Contains("numberOfFolds is 5 but the training data has 3 row(s)", ex.Message);
            Assert.Contains("between 2 and 3", ex.Message);
        }

        [Fact]
        public void MembersAndMetaTrainersOfAnotherTaskAreRejectedBeforeTraining()
        {
            var ml = new MLContext(seed: 1);
            var member = Assert.Throws<ArgumentException>(() =>
                ml.MulticlassClassification.Trainers.StackingEnsemble(new[] { MaxEnt(ml), ml.Regression.Trainers.Sdca() }));
            Assert.Equal("members", member.ParamName);
            Assert.Contains("member 1 (SdcaRegressionTrainer) is a Regression trainer, but this is a multiclass classification stacking ensemble", member.Message);
            Assert.Contains("LbfgsMaximumEntropy()", member.Message);

            var meta = Assert.Throws<ArgumentException>(() =>
                ml.Regression.Trainers.StackingEnsemble(new[] { ml.Regression.Trainers.Sdca(), ml.Regression.Trainers.Sdca() }, metaTrainer: Logistic(ml)));
            Assert.Equal("metaTrainer", meta.ParamName);
            Assert.Contains("metaTrainer (LbfgsLogisticRegressionBinaryTrainer) is a BinaryClassification trainer, but this is a regression stacking ensemble", meta.Message);
            Assert.Contains("or null for the default meta-model", meta.Message);
        }

        [Fact]
        public void AMemberPipelineIsRejectedAsNotATrainer()
        {
            // A pipeline would lose its transforms inside the ensemble's model: refused before it trains.
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(60, 1).Select(r => new BinaryMlpTests.PointRow { Label = r.Label > 14, Features = r.Features[..2], Weight = 1 }).ToArray());
            var stray = ml.Transforms.CopyColumns("Copy", "Features").Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression());
            var ex = Assert.Throws<ArgumentException>(() => ml.BinaryClassification.Trainers.StackingEnsemble(new[] { Logistic(ml), stray }, numberOfFolds: 2).Fit(data));
            Assert.Equal("members", ex.ParamName);
            Assert.Contains("member 1", ex.Message);
            Assert.Contains("is not a trainer", ex.Message);
        }

        [Fact]
        public void BinaryMembersAndMetaTrainersWithoutProbabilitiesAreRejected()
        {
            var ml = new MLContext(seed: 1);
            var data = StackingEnsembleTests.OddDigits(ml, 0, 100);
            var member = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.StackingEnsemble(
                new[] { Logistic(ml), ml.BinaryClassification.Trainers.LinearSvm(numberOfIterations: 2) }, numberOfFolds: 2).Fit(data));
            Assert.Contains("member 1", member.Message);
            Assert.Contains("no probability", member.Message);

            var meta = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.StackingEnsemble(
                new[] { Logistic(ml), Logistic(ml) }, metaTrainer: ml.BinaryClassification.Trainers.LinearSvm(numberOfIterations: 2), numberOfFolds: 2).Fit(data));
            Assert.Contains("the meta-model (metaTrainer)", meta.Message);
            Assert.Contains("no probability", meta.Message);
            Assert.Contains("LbfgsLogisticRegression", meta.Message);
        }

        [Fact]
        public void ALabelOfTheWrongTypeOrAMemberOnAnotherColumnIsRejectedWithTheFix()
        {
            var ml = new MLContext(seed: 1);
            var label = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.StackingEnsemble(new[] { Logistic(ml), Logistic(ml) }).Fit(Digits.Load(ml, 0, 50)));
            Assert.Contains("StackingEnsemble: label column 'Label' has type Single, but a binary classification trainer needs a Boolean label", label.Message);

            var raw = Digits.Load(ml, 0, 60);
            var data = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.Conversion.MapValueToKey("Other", "Label")).Fit(raw).Transform(raw);
            var other = Assert.Throws<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.StackingEnsemble(
                new[] { MaxEnt(ml), ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(labelColumnName: "Other") }, numberOfFolds: 2).Fit(data));
            Assert.Contains("member 1", other.Message);
            Assert.Contains("'Other'", other.Message);
            Assert.Contains("label column 'Label'", other.Message);
        }
    }
}
