using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Stacking's folds read the label whatever the key's raw type: ML.NET keys may be Byte, UInt16, UInt32 or UInt64
    /// underneath, and the Mlp trainers accept them all.</summary>
    public class StackingKeyLabelTests
    {
        private sealed class ByteKeyRow
        {
            [KeyType(3)]
            public byte Label { get; set; }

            [VectorType(2)]
            public float[] Features { get; set; }
        }

        [Fact]
        public void MulticlassStackingOfMlpsTrainsOnAByteKeyLabel()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 60).Select(i => new ByteKeyRow
            {
                Label = (byte)(i % 3 + 1),
                Features = new[] { i % 3 + 0.1f * (i % 5), (i % 3) * 0.5f - 0.05f * (i % 7) },
            }));
            Assert.Equal(typeof(byte), data.Schema["Label"].Type.RawType);
            IEstimator<ITransformer> Mlp(int seed, int epochs) => ml.MulticlassClassification.Trainers.Mlp(
                new MlpMulticlassTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = epochs, BatchSize = 16, LearningRate = 0.01f, Seed = seed });

            // Used to fail in the fold assignment: "Invalid TValue in GetGetter for column #Label: Key<Byte, 0-2>: 'System.UInt32'".
            var model = ml.MulticlassClassification.Trainers.StackingEnsemble(new[] { Mlp(1, 30), Mlp(2, 30) }, Mlp(3, 100), numberOfFolds: 3, seed: 1).Fit(data);

            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));
            Assert.True(metrics.MicroAccuracy > 0.85, $"accuracy {metrics.MicroAccuracy}");
        }
    }
}
