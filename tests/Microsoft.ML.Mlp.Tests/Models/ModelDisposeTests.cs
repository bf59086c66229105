using System;
using System.Linq;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Dispose means something: afterwards every way of scoring (or saving) the model throws ObjectDisposedException naming it.</summary>
    public class ModelDisposeTests
    {
        private static (ITransformer Pipeline, T Model) Load<T>(string kind)
        {
            var pipeline = new MLContext(seed: 1).Model.Load(GoldenModels.ZipPath(2, kind), out _);
            return (pipeline, (T)GoldenModels.Predictor(pipeline));
        }

        private static MnistCatalog.MnistImage Row => Digits.Rows(GoldenModels.ProbeSkip, 1).Single();

        private static float[] Features => Row.Features;

        private sealed class ScoreRow
        {
            public float[] Score { get; set; }
        }

        private static void AssertDisposed(string name, Action score)
        {
            // Through a pipeline ML.NET may wrap it; the cause is the innermost exception.
            var ex = Assert.IsType<ObjectDisposedException>(Assert.ThrowsAny<Exception>(score).GetBaseException());
            Assert.Equal(name, ex.ObjectName);
            Assert.Contains("was disposed", ex.Message);
        }

        [Fact]
        public void ADisposedMlpThrowsOnEveryWayOfScoringAndSaving()
        {
            var (pipeline, mlp) = Load<MlpMulticlassModelParameters>("mlp");
            var ml = new MLContext(seed: 1);
            var engine = ml.Model.CreatePredictionEngine<MnistCatalog.MnistImage, ScoreRow>(pipeline, inputSchemaDefinition: MnistCatalog.ImageSchema()); // holds the model's mapper
            Assert.Equal(10, engine.Predict(Row).Score.Length);
            Assert.Equal(10, mlp.PredictProbabilities(Features).Length);

            mlp.Dispose();
            mlp.Dispose(); // twice is fine

            AssertDisposed(nameof(MlpMulticlassModelParameters), () => mlp.PredictProbabilities(Features));
            AssertDisposed(nameof(MlpMulticlassModelParameters), () => mlp.PredictBatch(Features, 1));
            AssertDisposed(nameof(MlpMulticlassModelParameters), () => engine.Predict(Row)); // a mapper made before Dispose
            AssertDisposed(nameof(MlpMulticlassModelParameters), () => TrainedDigits.Scores(pipeline, GoldenModels.Probes(ml))); // a new one
            Assert.Throws<ObjectDisposedException>(() => ml.Model.Save(pipeline, null, new System.IO.MemoryStream()));
            Assert.Equal(784, mlp.NumberOfFeatures); // the description stays readable
            Assert.Equal(2, mlp.TrainingHistory.Count);
        }

        [Theory]
        [InlineData("fused-ensemble")]
        [InlineData("heterogeneous-ensemble")]
        public void ADisposedEnsembleThrowsOnEveryWayOfScoringWhateverItsMembers(string kind)
        {
            var (pipeline, ensemble) = Load<MulticlassSoftVotingModelParameters>(kind);
            var ml = new MLContext(seed: 1);
            var engine = ml.Model.CreatePredictionEngine<MnistCatalog.MnistImage, ScoreRow>(pipeline, inputSchemaDefinition: MnistCatalog.ImageSchema());
            Assert.Equal(10, engine.Predict(Row).Score.Length);
            Assert.Equal(10, ensemble.PredictProbabilities(Features).Length);

            ensemble.Dispose();

            const string name = nameof(MulticlassSoftVotingModelParameters);
            AssertDisposed(name, () => ensemble.PredictProbabilities(Features));
            AssertDisposed(name, () => ensemble.PredictMemberProbabilities(ensemble.Members.Count - 1, Features)); // LbfgsMaximumEntropy in the mixed one
            AssertDisposed(name, () => engine.Predict(Row));
            AssertDisposed(name, () => TrainedDigits.Scores(pipeline, GoldenModels.Probes(ml)));
            Assert.Throws<ObjectDisposedException>(() => ml.Model.Save(pipeline, null, new System.IO.MemoryStream()));
            Assert.All(ensemble.Members.OfType<MlpMulticlassModelParameters>(), m => AssertDisposed(nameof(MlpMulticlassModelParameters), () => m.PredictProbabilities(Features)));
            Assert.Contains(ensemble.Members, m => m is MlpMulticlassModelParameters);
            if (kind == "heterogeneous-ensemble")
                Assert.IsType<MaximumEntropyModelParameters>(ensemble.Members[1]);
        }
    }
}
