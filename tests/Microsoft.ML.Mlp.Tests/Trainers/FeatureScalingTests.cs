using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// Feature scaling inside the model (<see cref="MlpOptionsBase.FeatureScaling"/>) on real digits: badly scaled features
    /// train without a normaliser, the scaler is fitted on the right rows (sparse without centring, streamed on the first
    /// block), shared by fused members and kept by a warm start.
    /// </summary>
    public class FeatureScalingTests
    {
        private readonly ITestOutputHelper _output;

        public FeatureScalingTests(ITestOutputHelper output) => _output = output;

        /// <summary>Digits [skip, skip + take) with every feature (the whole Features column) as x · factor + shift.</summary>
        private static IDataView DigitsView(MLContext ml, int skip, int take, float factor = 1, float shift = 0) =>
            ml.Data.LoadFromEnumerable(Digits.Rows(skip, take)
                .Select(d => new MnistCatalog.MnistImage { Label = d.Label, Features = d.Features.Select(v => v * factor + shift).ToArray() }).ToArray(),
                MnistCatalog.ImageSchema());

        /// <summary>A quick network without batch norm, which would otherwise absorb the input's scale after the first layer.</summary>
        private static MlpMulticlassTrainer.Options Quick(MlpFeatureScaling scaling, int epochs = 6) => new(MlpPreset.KerasReference)
        {
            HiddenLayerSizes = new[] { 64 }, UseBatchNormalization = false, DropoutRate = 0, NumberOfEpochs = epochs, Seed = 7, FeatureScaling = scaling,
            DivergenceHandling = MlpDivergenceHandling.KeepLastFiniteWeights,
        };

        private static double Accuracy(MLContext ml, IEstimator<ITransformer> normaliser, MlpFeatureScaling scaling, IDataView train, IDataView test)
        {
            IEstimator<ITransformer> pipeline = ml.Transforms.Conversion.MapValueToKey("Label");
            if (normaliser != null)
                pipeline = pipeline.Append(normaliser);
            var model = pipeline.Append(ml.MulticlassClassification.Trainers.Mlp(Quick(scaling))).Fit(train);
            return ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
        }

        [Theory]
        [InlineData(1e6f, 0f)] // multiplied: measured 0.9020 without a normaliser, 0.9040 normalised; 0.4370 unscaled
        [InlineData(1f, 1e6f)] // shifted:    measured 0.9030 without a normaliser, 0.9070 normalised; 0.1120 unscaled
        public void BadlyScaledFeaturesTrainWithoutANormaliserAsWellAsNormalised(float factor, float shift)
        {
            var ml = new MLContext(seed: 1);
            var train = DigitsView(ml, 0, 2000, factor, shift);
            var test = DigitsView(ml, 2000, 1000, factor, shift);
            // The usual fix: a normaliser that maps [min, max] to [0, 1] (fixZero: false, else a shift survives it), no scaling inside.
            double normalised = Accuracy(ml, ml.Transforms.NormalizeMinMax("Features", fixZero: false), MlpFeatureScaling.None, train, test);
            double robust = Accuracy(ml, null, MlpFeatureScaling.Robust, train, test);
            double unscaled = Accuracy(ml, null, MlpFeatureScaling.None, train, test);
            _output.WriteLine($"features × {factor} + {shift}: robust scaling without a normaliser {robust:F4}, normalised {normalised:F4}, neither {unscaled:F4}");
            Assert.True(Math.Abs(robust - normalised) <= 0.01, $"robust {robust:F4} vs normalised {normalised:F4}");
            Assert.True(unscaled < normalised - 0.1, $"unscaled {unscaled:F4}: the data must need the scaling for this test to mean anything");
        }

        [Fact]
        public void DataAwareOptionsScaleByDefaultAndTheModelSaysWithWhichSettings()
        {
            var ml = new MLContext(seed: 1);
            var dataAware = new MlpMulticlassTrainer.Options { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 1, Seed = 1 };
            var model = TrainedDigits.Pipeline(ml, dataAware).Fit(DigitsView(ml, 0, 300)).OfType<MulticlassPredictionTransformer<MlpMulticlassModelParameters>>().Single().Model;
            Assert.Equal(MlpFeatureScaling.Robust, model.FeatureScaling);
            Assert.Contains("FeatureScaling Robust*", model.TrainingSettings);
            Assert.Contains("HiddenLayerSizes {16}, ", model.TrainingSettings);
            Assert.Contains("(* chosen from the data)", model.TrainingSettings);

            var keras = TrainedDigits.Pipeline(ml, Quick(MlpFeatureScaling.None, epochs: 1)).Fit(DigitsView(ml, 0, 300))
                .OfType<MulticlassPredictionTransformer<MlpMulticlassModelParameters>>().Single().Model;
            Assert.Equal(MlpFeatureScaling.None, keras.FeatureScaling);
            Assert.Null(((ITrainedNetwork)keras).FeatureScaler);
            Assert.Contains("FeatureScaling None", keras.TrainingSettings);
            Assert.DoesNotContain("*", keras.TrainingSettings);
        }

        [Theory]
        [InlineData(MlpFeatureStorage.Sparse)] // not centred: the non-zeros are scaled, the rows stay sparse
        [InlineData(MlpFeatureStorage.Dense)]  // centred: a sparse row is made dense before scaling
        public void SparseAndDenseInputScoreTheSameBitsBehindTheScaler(MlpFeatureStorage storage)
        {
            var ml = new MLContext(seed: 1);
            var rows = Digits.Rows(0, 400).ToArray();
            var sparse = ml.Data.LoadFromEnumerable(rows.Select(r => new TrainingBehaviourTests.SparseDigit { Label = r.Label, Features = TrainingBehaviourTests.Sparse(r.Features) }),
                TrainingBehaviourTests.SparseDigit.Schema());
            var dense = DigitsView(ml, 0, 400);
            var options = Quick(MlpFeatureScaling.Robust, epochs: 2);
            options.FeatureStorage = storage;
            var pipeline = TrainedDigits.Pipeline(ml, options).Fit(sparse);
            var model = pipeline.OfType<MulticlassPredictionTransformer<MlpMulticlassModelParameters>>().Single().Model;
            var scaler = ((ITrainedNetwork)model).FeatureScaler;

            Assert.Equal(storage == MlpFeatureStorage.Sparse, scaler.KeepsZeros);
            if (storage == MlpFeatureStorage.Sparse)
            {
                // 1 / the largest pixel over the training rows; 1 for a pixel that is never lit.
                var largest = Enumerable.Range(0, 784).Select(j => rows.Max(r => Math.Abs(r.Features[j]))).ToArray();
                Assert.Equal(largest.Select(m => m == 0 ? 1f : (float)(1.0 / m)), scaler.Multiplier.ToArray());
            }
            Assert.Equal(TrainedDigits.Scores(pipeline, dense), TrainedDigits.Scores(pipeline, sparse));
            // The public row scoring and the batch path agree with the pipeline.
            var probe = rows.Take(20).ToArray();
            var transformed = TrainedDigits.Scores(pipeline, DigitsView(ml, 0, 20));
            for (int i = 0; i < probe.Length; i++)
                Assert.Equal(transformed[i], model.PredictProbabilities(probe[i].Features));
            var batch = model.PredictBatch(probe.SelectMany(r => r.Features).ToArray(), probe.Length);
            for (int i = 0; i < probe.Length; i++)
                for (int c = 0; c < 10; c++)
                    Assert.Equal(transformed[i][c], batch[i * 10 + c], tolerance: 1e-6); // another summation order: float rounding apart
        }

        [Fact]
        public void AStreamedFitFitsItsScalerOnTheFirstBlock()
        {
            var ml = new MLContext(seed: 1);
            var log = new List<string>();
            ml.Log += (_, e) => { if (e.Message.Contains("Mlp")) lock (log) log.Add(e.Message); };
            var options = Quick(MlpFeatureScaling.Robust, epochs: 1);
            options.TrainingMemoryBudget = 1_000_000; // 640 digits stream in blocks of 64 rows
            var model = TrainedDigits.Pipeline(ml, options).Fit(DigitsView(ml, 0, 640))
                .OfType<MulticlassPredictionTransformer<MlpMulticlassModelParameters>>().Single().Model;
            Assert.Contains(log, m => m.Contains("blocks of 64 rows"));
            Assert.Contains(log, m => m.Contains("robust feature scaling fitted on 64 rows"));

            var firstBlock = Digits.Rows(0, 64).SelectMany(r => r.Features).ToArray();
            var expected = FeatureScalerFit.Fit(new TrainingData(firstBlock, new float[64], null, 64, 784));
            var scaler = ((ITrainedNetwork)model).FeatureScaler;
            Assert.Equal(expected.Center.ToArray(), scaler.Center.ToArray());
            Assert.Equal(expected.Multiplier.ToArray(), scaler.Multiplier.ToArray());
        }

        [Fact]
        public void FusedMembersShareTheOneScalerFittedOnce()
        {
            var ml = new MLContext(seed: 1);
            var ensemble = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.SoftVotingEnsemble(Quick(MlpFeatureScaling.Robust, epochs: 1), numberOfModels: 3))
                .Fit(DigitsView(ml, 0, 300)).OfType<MulticlassPredictionTransformer<MulticlassSoftVotingModelParameters>>().Single().Model;
            var scalers = ensemble.Members.Select(m => ((ITrainedNetwork)m).FeatureScaler).ToArray();
            Assert.NotNull(scalers[0]);
            Assert.All(scalers, s => Assert.Same(scalers[0], s));
        }

        [Theory]
        [InlineData(MlpFeatureScaling.Robust)]
        [InlineData(MlpFeatureScaling.None)]
        public void AWarmStartKeepsTheInitialModelsScaling(MlpFeatureScaling initialScaling)
        {
            var ml = new MLContext(seed: 1);
            var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(DigitsView(ml, 0, 300));
            var first = ml.MulticlassClassification.Trainers.Mlp(Quick(initialScaling, epochs: 1)).Fit(keys.Transform(DigitsView(ml, 0, 300))).Model;
            // Other rows, scaled otherwise: a refit would give another scaler. The options ask for robust scaling either way.
            var moved = keys.Transform(DigitsView(ml, 300, 300, factor: 5, shift: 2));
            var warm = ml.MulticlassClassification.Trainers.Mlp(Quick(MlpFeatureScaling.Robust, epochs: 1)).Fit(moved, first).Model;

            Assert.Equal(initialScaling, warm.FeatureScaling);
            Assert.Contains($"FeatureScaling {initialScaling}", warm.TrainingSettings);
            Assert.Same(((ITrainedNetwork)first).FeatureScaler, ((ITrainedNetwork)warm).FeatureScaler);
            Assert.Equal(2, warm.TrainingHistory.Count);
        }
    }
}
