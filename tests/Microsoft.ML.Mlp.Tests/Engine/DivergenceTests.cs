using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>No silent divergence: a NaN/∞ loss or weight stops the fit (or, opted in, keeps the last finite weights),
    /// and a trained model never scores NaN on finite input.</summary>
    public class DivergenceTests
    {
        /// <summary>Real digits with every pixel multiplied by <paramref name="scale"/>, label already a key.</summary>
        private static IDataView Scaled(MLContext ml, int skip, int take, float scale)
        {
            var rows = Digits.Rows(skip, take).Select(r => new MnistCatalog.MnistImage { Label = r.Label, Features = r.Features.Select(v => v * scale).ToArray() });
            var data = ml.Data.LoadFromEnumerable(rows.ToArray(), MnistCatalog.ImageSchema());
            return ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        }

        private static MlpMulticlassTrainer.Options Exploding(MlpDivergenceHandling handling) => new MlpMulticlassTrainer.Options(MlpPreset.KerasReference)
        {
            HiddenLayerSizes = new[] { 32 }, NumberOfEpochs = 3, LearningRate = 10f, Seed = 2, DivergenceHandling = handling,
        };

        [Fact]
        public void AnExplodingFitStopsWithAMessageThatNamesEpochRateAndFixes()
        {
            var ml = new MLContext(seed: 1);
            var ex = Assert.Throws<InvalidOperationException>(() =>
                ml.MulticlassClassification.Trainers.Mlp(Exploding(MlpDivergenceHandling.Throw)).Fit(Scaled(ml, 0, 256, 1e18f)));
            Assert.Contains("diverged in epoch 1", ex.Message);
            Assert.Contains("learning rate 10", ex.Message);
            Assert.Contains("Normalise the features", ex.Message);
            Assert.Contains("LearningRate", ex.Message);
            Assert.Contains("GradientClipNorm", ex.Message);
            Assert.Contains("KeepLastFiniteWeights", ex.Message);
        }

        [Fact]
        public void OptedInDivergenceKeepsTheLastFiniteWeightsAndWarns()
        {
            var ml = new MLContext(seed: 1);
            var warnings = new List<string>();
            ml.Log += (_, e) => { if (e.Kind == Runtime.ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.RawMessage); };
            var scaled = Scaled(ml, 0, 256, 1e18f);
            var initial = ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 32 }, NumberOfEpochs = 2, Seed = 2 })
                .Fit(Scaled(ml, 0, 256, 1f)).Model;

            // Warm start from a finite model, then a run that explodes in its first epoch: the finite model comes back.
            var kept = ml.MulticlassClassification.Trainers.Mlp(Exploding(MlpDivergenceHandling.KeepLastFiniteWeights)).Fit(scaled, initial).Model;
            Assert.Contains(warnings, w => w.Contains("diverged in epoch 3") && w.Contains("Keeping the weights of epoch 2"));
            Assert.Equal(initial.TrainingHistory.Select(h => h.TrainingLoss), kept.TrainingHistory.Select(h => h.TrainingLoss));
            foreach (var row in Digits.Rows(300, 10))
                Assert.Equal(initial.PredictProbabilities(row.Features), kept.PredictProbabilities(row.Features));

            // Nothing finite to keep when the very first epoch of a fresh run diverges: still an exception.
            var ex = Assert.Throws<InvalidOperationException>(() =>
                ml.MulticlassClassification.Trainers.Mlp(Exploding(MlpDivergenceHandling.KeepLastFiniteWeights)).Fit(scaled));
            Assert.Contains("nothing to keep", ex.Message);
        }

        [Fact]
        public void HugeFiniteFeaturesNeverScoreNaN()
        {
            var model = TrainedDigits.Mlp;
            var rows = Digits.Rows(TrainedDigits.TrainRows, 4).Select(r => r.Features).ToList();
            rows.Add(rows[0].Select(v => v * 1e30f).ToArray());                        // products overflow to ±∞
            rows.Add(rows[1].Select(v => v == 0 ? -3e38f : v * 3e38f).ToArray());      // every input near float's limit
            rows.Add(Enumerable.Repeat(float.MaxValue, model.NumberOfFeatures).ToArray());
            foreach (var features in rows)
                AssertProbabilities(model.PredictProbabilities(features));

            var batch = model.PredictBatch(rows.SelectMany(r => r).ToArray(), rows.Count);
            for (int r = 0; r < rows.Count; r++)
                AssertProbabilities(batch.AsSpan(r * model.NumberOfClasses, model.NumberOfClasses).ToArray());
        }

        private static void AssertProbabilities(float[] probabilities)
        {
            Assert.All(probabilities, p => Assert.True(float.IsFinite(p) && p >= 0 && p <= 1, $"probability {p}"));
            Assert.Equal(1.0, probabilities.Sum(p => (double)p), 3);
        }
    }
}
