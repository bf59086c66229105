using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Data over the training memory budget streams from the IDataView in blocks instead of being copied.</summary>
    public class StreamingTests
    {
        /// <summary>640 digits × 784 floats need ~2 MB; a 1 MB budget streams them in blocks of 64 rows (a quarter of the
        /// budget, whole batches).</summary>
        private const long SmallBudget = 1_000_000;

        private static (MLContext Ml, List<string> Log) Context()
        {
            var ml = new MLContext(seed: 1);
            var log = new List<string>();
            ml.Log += (_, e) => { if (e.Message.Contains("Mlp")) lock (log) log.Add(e.Message); };
            return (ml, log);
        }

        private static IDataView Keyed(MLContext ml, int skip, int take)
        {
            var data = Digits.Load(ml, skip, take);
            return ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        }

        [Fact]
        public void UnshuffledStreamingTrainsTheSameBatchesAsInMemory()
        {
            var (ml, log) = Context();
            var data = Keyed(ml, 0, 640);
            MlpMulticlassTrainer.Options Options(long? budget) => new MlpMulticlassTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = new[] { 32 }, NumberOfEpochs = 2, Shuffle = false, Seed = 4, TrainingMemoryBudget = budget,
            };
            var inMemory = ml.MulticlassClassification.Trainers.Mlp(Options(null)).Fit(data).Model;
            Assert.DoesNotContain(log, m => m.Contains("streaming"));
            var streamed = ml.MulticlassClassification.Trainers.Mlp(Options(SmallBudget)).Fit(data).Model;
            Assert.Contains(log, m => m.Contains("streaming them from the data view") && m.Contains("blocks of 64 rows"));

            // Same rows in the same order, whole batches per block: the very same steps.
            Assert.Equal(inMemory.TrainingHistory.Select(h => h.TrainingLoss), streamed.TrainingHistory.Select(h => h.TrainingLoss));
            foreach (var row in Digits.Rows(700, 20))
                Assert.Equal(inMemory.PredictProbabilities(row.Features), streamed.PredictProbabilities(row.Features));
        }

        [Fact]
        public void StreamedFitsLearnWithValidationClassWeightsAndAFusedEnsemble()
        {
            var (ml, log) = Context();
            var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits.Load(ml, 0, 1600));
            var train = keys.Transform(Digits.Load(ml, 0, 1600));
            var test = keys.Transform(Digits.Load(ml, 1600, 400)); // the training data's key mapping
            var options = new MlpMulticlassTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = new[] { 64 }, NumberOfEpochs = 4, Seed = 2, TrainingMemoryBudget = 2 * SmallBudget,
                ValidationFraction = 0.2f, ClassWeighting = MlpClassWeighting.Balanced,
            };
            var single = ml.MulticlassClassification.Trainers.Mlp(options).Fit(train);
            Assert.Contains(log, m => m.Contains("streaming"));
            Assert.Contains(log, m => m.Contains("holding out about 20"));
            Assert.All(single.Model.TrainingHistory, h => Assert.True(h.ValidationLoss > 0 && h.ValidationAccuracy > 0.5));
            double accuracy = ml.MulticlassClassification.Evaluate(single.Transform(test)).MicroAccuracy;
            Assert.True(accuracy > 0.85, $"streamed single model: {accuracy:P2}");

            options.ValidationFraction = 0;
            var ensemble = ml.MulticlassClassification.Trainers.SoftVotingEnsemble(options, numberOfModels: 3).Fit(train);
            double ensembleAccuracy = ml.MulticlassClassification.Evaluate(ensemble.Transform(test)).MicroAccuracy;
            Assert.True(ensembleAccuracy > 0.85, $"streamed ensemble: {ensembleAccuracy:P2}");
        }

        [Fact]
        public void ABadBudgetIsRejectedByName()
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
                new MLContext().MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options(MlpPreset.KerasReference) { TrainingMemoryBudget = 0 }));
            Assert.Contains("TrainingMemoryBudget", ex.Message);
        }
    }
}
