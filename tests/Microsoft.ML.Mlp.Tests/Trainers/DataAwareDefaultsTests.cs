using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Tasks;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// The data-aware defaults (<see cref="DataAwareDefaults"/>): options left null are chosen from the data by the README's
    /// rule, deterministically; every option set wins; the Keras preset sets them all; a fit keeps the values it used.
    /// </summary>
    public class DataAwareDefaultsTests
    {
        private static MlpRecipe Resolve(MlpOptionsBase options, long rows, int features = 20, bool sparse = false, MlpTask task = null,
            bool validationData = false) =>
            DataAwareDefaults.Resolve(options, task ?? MulticlassTask.Instance, new DataProfile(rows, features, sparse ? 0.01 : 1, sparse), validationData);

        [Fact]
        public void TheSameDataGivesTheSameRecipe()
        {
            var a = Resolve(new MlpMulticlassTrainer.Options(), 5_000);
            var b = Resolve(new MlpMulticlassTrainer.Options(), 5_000);
            Assert.Equal(a.Describe(), b.Describe());
            Assert.Equal(a with { HiddenLayerSizes = null, Chosen = null }, b with { HiddenLayerSizes = null, Chosen = null });
        }

        [Fact]
        public void SmallDataGetsMoreEpochsAndSmallerBatchesThanLargeData()
        {
            var small = Resolve(new MlpMulticlassTrainer.Options(), 300);
            var large = Resolve(new MlpMulticlassTrainer.Options(), 200_000);
            // 300 rows, 20% held out: 240 training rows, batches of 32 (about 8 steps an epoch), the most epochs.
            Assert.Equal(0.2f, small.ValidationFraction);
            Assert.Equal(32, small.BatchSize);
            Assert.Equal(DataAwareDefaults.MaximumEpochs, small.NumberOfEpochs);
            // 200,000 rows: 160,000 training rows, batches of 256, the row budget caps the epochs at the floor.
            Assert.Equal(256, large.BatchSize);
            Assert.Equal(DataAwareDefaults.MinimumEpochs, large.NumberOfEpochs);
            Assert.True(large.NumberOfEpochs * 160_000L >= DataAwareDefaults.RowBudget);
            Assert.NotNull(small.EarlyStoppingPatience);
            Assert.Equal(new[] { 256, 256, 256 }, small.HiddenLayerSizes);
            Assert.Equal(MlpFeatureScaling.Robust, small.FeatureScaling);
        }

        [Fact]
        public void SparseRowsGetOneLayerAndOnlyMulticlassGetsLabelSmoothing()
        {
            Assert.Equal(new[] { 128 }, Resolve(new MlpMulticlassTrainer.Options(), 5_000, features: 200_000, sparse: true).HiddenLayerSizes);
            Assert.Equal(0.1f, Resolve(new MlpMulticlassTrainer.Options(), 5_000).LabelSmoothing);
            Assert.Equal(0f, Resolve(new MlpBinaryTrainer.Options(), 5_000, task: BinaryTask.Instance).LabelSmoothing); // it flattens the AUC
            Assert.Equal(0f, Resolve(new MlpRegressionTrainer.Options(), 5_000, task: RegressionTask.Default).LabelSmoothing);
        }

        [Fact]
        public void ValidationDataMeansNothingIsHeldOutAndTinyDataHoldsNothingOut()
        {
            var given = Resolve(new MlpMulticlassTrainer.Options(), 5_000, validationData: true);
            Assert.Equal(0f, given.ValidationFraction);
            Assert.NotNull(given.EarlyStoppingPatience);
            var tiny = Resolve(new MlpMulticlassTrainer.Options(), DataAwareDefaults.MinimumRowsToHoldOut - 1);
            Assert.Equal(0f, tiny.ValidationFraction);
            Assert.Null(tiny.EarlyStoppingPatience); // nothing to judge an epoch by: train every epoch
        }

        [Fact]
        public void EveryOptionSetWinsAndIsNotMarkedChosen()
        {
            var options = new MlpMulticlassTrainer.Options
            {
                HiddenLayerSizes = new[] { 7 }, Activation = MlpActivation.Tanh, BatchSize = 5, NumberOfEpochs = 3, LearningRate = 0.5f,
                DropoutRate = 0.4f, Optimizer = MlpOptimizer.Sgd, WeightDecay = 0.25f, LabelSmoothing = 0.3f, ValidationFraction = 0.5f,
                EarlyStoppingPatience = 0, LearningRateSchedule = MlpLearningRateSchedule.StepDecay, FeatureScaling = MlpFeatureScaling.None,
                UseBatchNormalization = true, WeightInitialization = MlpWeightInitialization.GlorotUniform, EnsembleSize = 1, NumericEmbedding = MlpNumericEmbedding.None,
            };
            var recipe = Resolve(options, 5_000);
            Assert.Equal(new[] { 7 }, recipe.HiddenLayerSizes);
            Assert.Equal((MlpActivation.Tanh, 5, 3, 0.5f, 0.4f, MlpOptimizer.Sgd, 0.25f, 0.3f, 0.5f),
                (recipe.Activation, recipe.BatchSize, recipe.NumberOfEpochs, recipe.LearningRate, recipe.DropoutRate, recipe.Optimizer,
                    recipe.WeightDecay, recipe.LabelSmoothing, recipe.ValidationFraction));
            Assert.Null(recipe.EarlyStoppingPatience);
            Assert.Equal((MlpLearningRateSchedule.StepDecay, MlpFeatureScaling.None, true, MlpWeightInitialization.GlorotUniform),
                (recipe.LearningRateSchedule, recipe.FeatureScaling, recipe.UseBatchNormalization, recipe.WeightInitialization));
            Assert.Empty(recipe.Chosen);
            Assert.DoesNotContain("*", recipe.Describe());
        }

        [Fact]
        public void TheKerasPresetSetsEveryOptionTheRuleWouldChoose()
        {
            var recipe = Resolve(MlpMulticlassTrainer.Options.KerasReference(), 60_000, features: 784);
            Assert.Empty(recipe.Chosen);
            Assert.Equal(new[] { 50, 50, 50, 50 }, recipe.HiddenLayerSizes);
            Assert.Equal((MlpActivation.Relu, true, 0.2f, MlpOptimizer.Adam, 0.001f, 32, 10, MlpLearningRateSchedule.Constant, MlpFeatureScaling.None),
                (recipe.Activation, recipe.UseBatchNormalization, recipe.DropoutRate, recipe.Optimizer, recipe.LearningRate, recipe.BatchSize,
                    recipe.NumberOfEpochs, recipe.LearningRateSchedule, recipe.FeatureScaling));
            Assert.Equal((0f, 0f, 0f), (recipe.WeightDecay, recipe.LabelSmoothing, recipe.ValidationFraction));
            Assert.Null(recipe.EarlyStoppingPatience);
            Assert.Equal(1, recipe.EnsembleSize);
            Assert.Equal(MlpNumericEmbedding.None, recipe.NumericEmbedding);
            Assert.Equal(MlpNumericEmbedding.None, Resolve(MlpRegressionTrainer.Options.KerasReference(), 5_000, task: RegressionTask.Default).NumericEmbedding);
        }

        [Fact]
        public void RegressionOnDenseRowsGetsThePiecewiseLinearEmbeddingAndClassificationNone()
        {
            var regression = Resolve(new MlpRegressionTrainer.Options(), 5_000, task: RegressionTask.Default);
            Assert.Equal(MlpNumericEmbedding.PiecewiseLinear, regression.NumericEmbedding);
            Assert.Equal(8, regression.NumericEmbeddingBins);
            Assert.Contains("NumericEmbedding PiecewiseLinear (8 bins)*", regression.Describe());
            Assert.Equal(MlpNumericEmbedding.None, Resolve(new MlpMulticlassTrainer.Options(), 5_000).NumericEmbedding);
            Assert.Equal(MlpNumericEmbedding.None, Resolve(new MlpBinaryTrainer.Options(), 5_000, task: BinaryTask.Instance).NumericEmbedding);
            // Without robust scaling the rule adds no bins (they bin the scaled values); set options win.
            Assert.Equal(MlpNumericEmbedding.None,
                Resolve(new MlpRegressionTrainer.Options { FeatureScaling = MlpFeatureScaling.None }, 5_000, task: RegressionTask.Default).NumericEmbedding);
            Assert.Equal(MlpNumericEmbedding.None,
                Resolve(new MlpRegressionTrainer.Options { NumericEmbedding = MlpNumericEmbedding.None }, 5_000, task: RegressionTask.Default).NumericEmbedding);
            Assert.Equal(16, Resolve(new MlpMulticlassTrainer.Options { NumericEmbedding = MlpNumericEmbedding.PiecewiseLinear, NumericEmbeddingBins = 16 }, 5_000).NumericEmbeddingBins);
            // Wide dense rows (images, signals) are not binned by the rule: the first layer would grow by up to 1 + bins.
            Assert.Equal(MlpNumericEmbedding.None, Resolve(new MlpRegressionTrainer.Options(), 5_000, features: 784, task: RegressionTask.Default).NumericEmbedding);
        }

        [Fact]
        public void SmallDataSpendsTheSpareRowBudgetOnAveragedNetworks()
        {
            // ⌊1,000,000 / (256 epochs × training rows)⌋, from 1 to 4; 20% of the rows held out.
            Assert.Equal(4, Resolve(new MlpMulticlassTrainer.Options(), 300).EnsembleSize);
            Assert.Equal(3, Resolve(new MlpMulticlassTrainer.Options(), 1_500).EnsembleSize);
            Assert.Equal(2, Resolve(new MlpMulticlassTrainer.Options(), 2_000).EnsembleSize);
            Assert.Equal(1, Resolve(new MlpMulticlassTrainer.Options(), 5_000).EnsembleSize);
            // An ensemble's fused copies already average: one network each.
            Assert.Equal(1, DataAwareDefaults.Resolve(new MlpMulticlassTrainer.Options(), MulticlassTask.Instance, new DataProfile(300, 20, 1, false), false, models: 5).EnsembleSize);
            Assert.Equal(2, Resolve(new MlpMulticlassTrainer.Options { EnsembleSize = 2 }, 100_000).EnsembleSize);
        }

        [Fact]
        public void AveragedNetworksHoldOutRowsOfTheirOwnWhereTheyHoldRowsOut()
        {
            var small = Resolve(new MlpMulticlassTrainer.Options(), 300);
            Assert.True(small.RotateHeldOutRows);
            Assert.Contains("RotateHeldOutRows true*", small.Describe());
            // Not chosen where it means nothing: one network, no rows held out, or one batch order for all.
            Assert.False(Resolve(new MlpMulticlassTrainer.Options(), 5_000).RotateHeldOutRows);
            Assert.False(Resolve(new MlpMulticlassTrainer.Options { ValidationFraction = 0 }, 300).RotateHeldOutRows);
            Assert.False(Resolve(new MlpMulticlassTrainer.Options { SharedBatchOrder = true }, 300).RotateHeldOutRows);
            Assert.DoesNotContain("RotateHeldOutRows false*", Resolve(new MlpMulticlassTrainer.Options(), 5_000).Describe());
            // Set, it wins.
            var set = Resolve(new MlpMulticlassTrainer.Options { RotateHeldOutRows = false }, 300);
            Assert.False(set.RotateHeldOutRows);
            Assert.Contains("RotateHeldOutRows false", set.Describe());
            Assert.DoesNotContain("RotateHeldOutRows false*", set.Describe());
        }

        [Fact]
        public void AFitWithDefaultsKeepsTheValuesItChoseWithTheModel()
        {
            var ml = new MLContext(seed: 0);
            var data = Digits.Load(ml, 0, 400);
            var options = new MlpMulticlassTrainer.Options { NumberOfEpochs = 2, Seed = 0 };
            var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(options)).Fit(data).LastTransformer.Model;
            Assert.Contains("HiddenLayerSizes {", model.TrainingSettings);     // chosen: the network, or no hidden layer if that held out better
            Assert.Contains("}*", model.TrainingSettings);
            Assert.Contains("NumberOfEpochs 2,", model.TrainingSettings);          // set, so not marked
            Assert.Contains("FeatureScaling Robust*", model.TrainingSettings);
            Assert.Equal(MlpFeatureScaling.Robust, model.FeatureScaling);
            Assert.Null(options.HiddenLayerSizes); // the user's options are left as they were
        }

        /// <summary>A noisy linear target: y = Σ w·x + uniform noise of ±4 (the signal's standard deviation is about 1.6).</summary>
        private static RegressionMlpTests.FriedmanRow[] LinearRows(int count, int seed)
        {
            var random = new System.Random(seed);
            var weights = new[] { 1f, -2f, 0.5f, 3f, -1f, 0f, 2f, -0.5f, 1.5f, -3f };
            return Enumerable.Range(0, count).Select(_ =>
            {
                var x = Enumerable.Range(0, 10).Select(_ => (float)random.NextDouble()).ToArray();
                return new RegressionMlpTests.FriedmanRow { Features = x, Label = x.Zip(weights, (a, w) => a * w).Sum() + (float)(8 * (random.NextDouble() - 0.5)) };
            }).ToArray();
        }

        [Fact]
        public void ALinearModelIsTriedOnTheHeldOutRowsAndTheModelIsTheOneKept()
        {
            var ml = new MLContext(seed: 0);
            var options = new MlpRegressionTrainer.Options { NumberOfEpochs = 30, Seed = 0 };
            foreach (var seed in new[] { 1, 2 })
            {
                // 200 rows, 30 epochs: the networks hold out better (the case where the linear models do is the next test); the
                // trial is noted and the networks are the model.
                var model = ml.Regression.Trainers.Mlp(options).Fit(ml.Data.LoadFromEnumerable(LinearRows(200, seed))).Model;
                Assert.Contains("a linear model was tried", model.TrainingSettings);
                Assert.Equal(new[] { 1024, 1024, 1024 }, model.HiddenLayerSizes); // 200 rows: 4 networks of 256 averaged
            }
            // make_friedman1 is far from linear (a linear model's R² is about 0.72): the network must be kept.
            var friedman = ml.Regression.Trainers.Mlp(options).Fit(ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(2000, 1))).Model;
            Assert.Equal(new[] { 512, 512, 512 }, friedman.HiddenLayerSizes); // 1,600 training rows: 2 networks averaged
        }

        /// <summary>
        /// With rows held out network by network, the linear candidate is one linear model per held-out share, judged on the
        /// same rows as the network that held them out; when it wins, the model is their average: no hidden layer, every
        /// share's history, and a file that loads back to the same scores. 60 noisy linear rows, seed 1: a case where it wins.
        /// </summary>
        [Fact]
        public void OnRowsHeldOutNetworkByNetworkAWinningLinearCandidateIsTheAverageOfItsShares()
        {
            var ml = new MLContext(seed: 0);
            var data = ml.Data.LoadFromEnumerable(LinearRows(60, 1));
            var model = ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options { Seed = 0, NumberOfEpochs = 60 }).Fit(data);
            var mlp = model.Model;
            Assert.Contains("RotateHeldOutRows true*", mlp.TrainingSettings);
            Assert.Contains("linear: held-out loss", mlp.TrainingSettings);
            Assert.Empty(mlp.HiddenLayerSizes);
            Assert.Equal(new[] { 0, 1, 2, 3 }, mlp.TrainingHistory.Select(h => h.Member).Distinct().OrderBy(m => m));
            Assert.All(mlp.TrainingHistory, h => Assert.NotNull(h.ValidationLoss)); // each judged on its own held-out rows
            var scores = model.Transform(data).GetColumn<float>("Score").ToArray();
            Assert.All(scores, s => Assert.True(float.IsFinite(s)));
            string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mlp-linear-shares-{System.Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, data.Schema, path);
                Assert.Equal(scores, ml.Model.Load(path, out _).Transform(data).GetColumn<float>("Score").ToArray());
            }
            finally
            {
                System.IO.File.Delete(path);
            }
        }

        [Fact]
        public void HiddenLayersSetByTheUserAreNeverReplaced()
        {
            var ml = new MLContext(seed: 0);
            var options = new MlpRegressionTrainer.Options { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 10, Seed = 0, EnsembleSize = 1 };
            var model = ml.Regression.Trainers.Mlp(options).Fit(ml.Data.LoadFromEnumerable(LinearRows(300, 1))).Model;
            Assert.Equal(new[] { 16 }, model.HiddenLayerSizes);
            Assert.DoesNotContain("linear", model.TrainingSettings);
        }
    }
}
