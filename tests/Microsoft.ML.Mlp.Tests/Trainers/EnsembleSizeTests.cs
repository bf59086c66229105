using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// <see cref="MlpOptionsBase.EnsembleSize"/>: networks trained side by side and averaged into one model of the usual type,
    /// which saves, loads and exports to ONNX like any other; a warm start continues one network.
    /// </summary>
    public class EnsembleSizeTests
    {
        private static MlpRegressionTrainer.Options Options(int? members, int seed) => new()
        {
            HiddenLayerSizes = new[] { 16, 16 },
            NumberOfEpochs = 6,
            DropoutRate = 0,          // nothing shared between fused networks: each learns as if alone
            ValidationFraction = 0,
            EnsembleSize = members,
            Seed = seed,
        };

        private static float[] Scores(MLContext ml, ITransformer model, IDataView data) => model.Transform(data).GetColumn<float>("Score").ToArray();

        [Fact]
        public void TheModelScoresTheMeanOfItsNetworksEachTrainedAlone()
        {
            var ml = new MLContext(seed: 0);
            var train = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(300, 1));
            var test = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(100, 2));
            var averaged = ml.Regression.Trainers.Mlp(Options(3, seed: 5)).Fit(train);
            // Network j's seed is Seed + j × 1,000,003 (the same rule as an ensemble's members).
            var alone = Enumerable.Range(0, 3).Select(j => Scores(ml, ml.Regression.Trainers.Mlp(Options(1, 5 + j * 1_000_003)).Fit(train), test)).ToArray();
            var scores = Scores(ml, averaged, test);
            for (int r = 0; r < scores.Length; r++)
            {
                double mean = alone.Average(s => (double)s[r]);
                Assert.True(Math.Abs(scores[r] - mean) <= 1e-3 * (1 + Math.Abs(mean)), $"row {r}: {scores[r]} vs the networks' mean {mean}");
            }
            Assert.Equal(new[] { 48, 48 }, averaged.Model.HiddenLayerSizes); // three networks of 16 side by side
            Assert.Equal(new[] { 0, 1, 2 }, averaged.Model.TrainingHistory.Select(h => h.Member).Distinct().OrderBy(m => m));
            Assert.Contains("EnsembleSize 3,", averaged.Model.TrainingSettings); // set, so not marked *
            // Averaging is not a no-op: the networks disagree, and their mean is not any one of them.
            Assert.NotEqual(alone[0], alone[1]);
            Assert.NotEqual(alone[0], scores);
        }

        [Fact]
        public void AnAveragedModelRoundTripsBitIdenticallyAndExportsToOnnx()
        {
            var ml = new MLContext(seed: 0);
            var train = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(300, 1));
            var test = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(50, 2));
            var options = Options(2, seed: 1);
            options.FeatureScaling = MlpFeatureScaling.Robust;
            var model = ml.Regression.Trainers.Mlp(options).Fit(train);
            var scores = Scores(ml, model, test);
            string path = Path.Combine(Path.GetTempPath(), $"mlp-averaged-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, train.Schema, path);
                Assert.Equal(scores, Scores(ml, ml.Model.Load(path, out _), test));
            }
            finally
            {
                File.Delete(path);
            }
            var features = RegressionMlpTests.Friedman1(50, 2).Select(r => r.Features).ToArray();
            var onnx = OnnxScoring.Run(OnnxScoring.Export(ml, model, test), features)["Score"];
            for (int r = 0; r < scores.Length; r++)
                Assert.True(Math.Abs(onnx[r] - scores[r]) <= 1e-4 * (1 + Math.Abs(scores[r])), $"row {r}: ONNX {onnx[r]} vs {scores[r]}");
        }

        [Fact]
        public void TheRuleAveragesOnSmallDataOnlyAndAWarmStartContinuesOneNetwork()
        {
            var ml = new MLContext(seed: 0);
            var small = ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(200, 1));
            var options = new MlpRegressionTrainer.Options { HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 2, Seed = 0 };
            var model = ml.Regression.Trainers.Mlp(options).Fit(small).Model;
            Assert.Contains($"EnsembleSize {DataAwareDefaults.MaximumChosenEnsembleSize}*", model.TrainingSettings);
            Assert.Equal(new[] { 8 * DataAwareDefaults.MaximumChosenEnsembleSize }, model.HiddenLayerSizes);

            // Continuing it: the merged network is one network now, and goes on as one — with its hidden layers as they are
            // (the options that made it name one network's, and the refusal says what to set).
            var error = Assert.Throws<InvalidOperationException>(() => ml.Regression.Trainers.Mlp(options).Fit(small, model));
            Assert.Contains($"set HiddenLayerSizes = {{{8 * DataAwareDefaults.MaximumChosenEnsembleSize}}}", error.Message);
            var asItIs = new MlpRegressionTrainer.Options { HiddenLayerSizes = model.HiddenLayerSizes.ToArray(), NumberOfEpochs = 1, Seed = 0 };
            var continued = ml.Regression.Trainers.Mlp(asItIs).Fit(small, model).Model;
            Assert.Equal(model.HiddenLayerSizes, continued.HiddenLayerSizes);
            Assert.Contains("EnsembleSize 1*", continued.TrainingSettings);
            // With default options too: the rule's hidden layers give way to the initial model's.
            var defaults = new MlpRegressionTrainer.Options { NumberOfEpochs = 1, Seed = 0 };
            var network = ml.Regression.Trainers.Mlp(defaults).Fit(small).Model;
            Assert.Equal(network.HiddenLayerSizes, ml.Regression.Trainers.Mlp(defaults).Fit(small, network).Model.HiddenLayerSizes);
            var more = new MlpRegressionTrainer.Options { NumberOfEpochs = 1, Seed = 0, EnsembleSize = 2 };
            error = Assert.Throws<InvalidOperationException>(() => ml.Regression.Trainers.Mlp(more).Fit(small, model));
            Assert.Contains("EnsembleSize", error.Message);
        }

        private sealed class IdRow
        {
            public float Label { get; set; }

            [VectorType(80)]
            public float[] Features { get; set; }
        }

        /// <summary>
        /// Rows a network can only memorise: feature j is 1 on row j alone, the label a random ±1. A network predicts a row it
        /// trained on and says about 0 (the labels' mean) for one it held out. With rotated shares every row is learnt by three
        /// of the four averaged networks; with one share for all, a fifth of the rows is learnt by none.
        /// </summary>
        [Fact]
        public void WithRotatedSharesTheAveragedNetworksLearnFromEveryRow()
        {
            var random = new Random(4);
            var rows = Enumerable.Range(0, 80).Select(r =>
            {
                var features = new float[80];
                features[r] = 1;
                return new IdRow { Label = random.Next(2) * 2 - 1, Features = features };
            }).ToArray();
            var ml = new MLContext(seed: 0);
            var data = ml.Data.LoadFromEnumerable(rows);
            float[] Fit(bool rotate)
            {
                var options = new MlpRegressionTrainer.Options
                {
                    HiddenLayerSizes = new[] { 32 }, NumberOfEpochs = 150, BatchSize = 16, LearningRate = 0.01f, DropoutRate = 0, WeightDecay = 0,
                    EarlyStoppingPatience = 0, FeatureScaling = MlpFeatureScaling.None, FeatureStorage = MlpFeatureStorage.Dense,
                    EnsembleSize = 4, ValidationFraction = 0.2f, RotateHeldOutRows = rotate, Seed = 1,
                };
                var model = ml.Regression.Trainers.Mlp(options).Fit(data);
                Assert.Contains($"RotateHeldOutRows {(rotate ? "true" : "false")}", model.Model.TrainingSettings);
                return Scores(ml, model, data);
            }
            var rotated = Fit(rotate: true);
            var shared = Fit(rotate: false);
            // Rotated: every row is predicted on its side, by most of its label (three networks of four know it).
            Assert.All(Enumerable.Range(0, 80), r => Assert.True(rotated[r] * rows[r].Label > 0.5, $"row {r}: {rotated[r]} for label {rows[r].Label}"));
            // One share for all: the 16 rows every network held out are not learnt.
            Assert.True(Enumerable.Range(0, 80).Count(r => shared[r] * rows[r].Label < 0.5) >= 16,
                string.Join(", ", shared.Select((s, r) => $"{s:F2}/{rows[r].Label}")));
        }

        [Fact]
        public void RotatedSharesAndASharedBatchOrderAreRefusedTogether()
        {
            var ml = new MLContext(seed: 0);
            var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
                ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options { RotateHeldOutRows = true, SharedBatchOrder = true }));
            Assert.Equal(nameof(MlpOptionsBase.RotateHeldOutRows), error.ParamName);
            Assert.Contains("SharedBatchOrder", error.Message);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(65)]
        public void AnEnsembleSizeOutOfRangeIsRefusedByName(int members)
        {
            var ml = new MLContext(seed: 0);
            var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
                ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options { EnsembleSize = members }));
            Assert.Equal(nameof(MlpOptionsBase.EnsembleSize), error.ParamName);
        }
    }
}
