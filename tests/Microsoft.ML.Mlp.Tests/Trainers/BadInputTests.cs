using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Every bad input is a clear managed exception naming the column or option, the value and the fix — before training.</summary>
    public class BadInputTests
    {
        private static readonly MLContext Ml = new MLContext(seed: 1);

        private static IDataView Digits200 => Digits.Load(Ml, 0, 200);

        [Fact]
        public void LabelThatIsNotAKeySaysUseMapValueToKey()
        {
            var e = Assert.Throws<InvalidOperationException>(() => Ml.MulticlassClassification.Trainers.Mlp().Fit(Digits200));
            Assert.Contains("'Label'", e.Message);
            Assert.Contains("Single", e.Message);
            Assert.Contains("MapValueToKey", e.Message);
        }

        [Fact]
        public void LabelThatIsNotAKeyFailsSchemaPropagationToo()
        {
            var create = typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static, new[] { typeof(DataViewSchema) });
            var shape = (SchemaShape)create.Invoke(null, new object[] { Digits200.Schema });
            var e = Assert.Throws<InvalidOperationException>(() => Ml.MulticlassClassification.Trainers.Mlp().GetOutputSchema(shape));
            Assert.Contains("MapValueToKey", e.Message);
        }

        [Fact]
        public void MissingColumnsAreNamed()
        {
            var keyed = Ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits200).Transform(Digits200);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.MulticlassClassification.Trainers.Mlp(featureColumnName: "Pixels").Fit(keyed));
            Assert.Contains("'Pixels'", e.Message);
            Assert.Contains("FeatureColumnName", e.Message);
            e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.MulticlassClassification.Trainers.Mlp(labelColumnName: "Digit").Fit(keyed));
            Assert.Contains("'Digit'", e.Message);
            e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.MulticlassClassification.Trainers.Mlp(exampleWeightColumnName: "W").Fit(keyed));
            Assert.Contains("'W'", e.Message);
        }

        [Fact]
        public void FeaturesThatAreNotAKnownSizeSingleVectorAreRejected()
        {
            var rows = new[] { new ScalarRow { Label = 1, Features = 2 }, new ScalarRow { Label = 2, Features = 3 } };
            var data = Ml.Transforms.Conversion.MapValueToKey("Label").Fit(Ml.Data.LoadFromEnumerable(rows)).Transform(Ml.Data.LoadFromEnumerable(rows));
            var e = Assert.Throws<InvalidOperationException>(() => Ml.MulticlassClassification.Trainers.Mlp().Fit(data));
            Assert.Contains("'Features'", e.Message);
            Assert.Contains("known-size vector of Single", e.Message);

            var varRows = new[] { new VarRow { Label = 1, Features = new float[] { 1, 2 } }, new VarRow { Label = 2, Features = new float[] { 1 } } };
            var varData = Ml.Transforms.Conversion.MapValueToKey("Label").Fit(Ml.Data.LoadFromEnumerable(varRows)).Transform(Ml.Data.LoadFromEnumerable(varRows));
            e = Assert.Throws<InvalidOperationException>(() => Ml.MulticlassClassification.Trainers.Mlp().Fit(varData));
            Assert.Contains("Vector<Single>", e.Message);
        }

        [Fact]
        public void FewerThanTwoClassesIsRejected()
        {
            var ones = Ml.Data.LoadFromEnumerable(Digits.Rows(0, 2000).Where(r => r.Label == 1).Take(50).ToArray(), MnistCatalog.ImageSchema());
            var e = Assert.Throws<InvalidOperationException>(() => TrainedDigits.Pipeline(Ml, TrainedDigits.QuickOptions(1)).Fit(ones));
            Assert.Contains("1 class", e.Message);
            Assert.Contains("'Label'", e.Message);
        }

        [Fact]
        public void ZeroUsableRowsIsRejectedWithTheReasons()
        {
            var rows = Digits.Rows(0, 20).Select(r => new MnistCatalog.MnistImage { Label = r.Label, Features = Enumerable.Repeat(float.NaN, 784).ToArray() }).ToArray();
            var e = Assert.Throws<InvalidOperationException>(() => TrainedDigits.Pipeline(Ml, TrainedDigits.QuickOptions(1)).Fit(Ml.Data.LoadFromEnumerable(rows, MnistCatalog.ImageSchema())));
            Assert.Contains("no usable training rows", e.Message);
            Assert.Contains("20 with NaN or infinite features in 'Features'", e.Message);
        }

        [Theory]
        [InlineData(nameof(MlpMulticlassTrainer.Options.HiddenLayerSizes), "0")]
        [InlineData(nameof(MlpMulticlassTrainer.Options.DropoutRate), "1")]
        [InlineData(nameof(MlpMulticlassTrainer.Options.DropoutRate), "-0.1")]
        [InlineData(nameof(MlpMulticlassTrainer.Options.BatchSize), "0")]
        [InlineData(nameof(MlpMulticlassTrainer.Options.NumberOfEpochs), "0")]
        [InlineData(nameof(MlpMulticlassTrainer.Options.LearningRate), "0")]
        [InlineData(nameof(MlpMulticlassTrainer.Options.LearningRate), "NaN")]
        [InlineData(nameof(MlpMulticlassTrainer.Options.NumberOfThreads), "0")]
        [InlineData(nameof(MlpMulticlassTrainer.Options.Momentum), "1")]
        public void BadOptionsFailAtConstructionNamingTheOptionAndValue(string option, string value)
        {
            var options = new MlpMulticlassTrainer.Options(MlpPreset.KerasReference);
            float number = float.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            switch (option)
            {
                case nameof(options.HiddenLayerSizes): options.HiddenLayerSizes = new[] { 50, (int)number }; break;
                case nameof(options.DropoutRate): options.DropoutRate = number; break;
                case nameof(options.BatchSize): options.BatchSize = (int)number; break;
                case nameof(options.NumberOfEpochs): options.NumberOfEpochs = (int)number; break;
                case nameof(options.LearningRate): options.LearningRate = number; break;
                case nameof(options.NumberOfThreads): options.NumberOfThreads = (int)number; break;
                case nameof(options.Momentum): options.Momentum = number; break;
            }
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.MulticlassClassification.Trainers.Mlp(options));
            Assert.Equal(option, e.ParamName);
            Assert.Contains(option, e.Message);
            Assert.Contains(value, e.Message);
        }

        [Fact]
        public void ScoringFeaturesOfAnotherLengthIsRejected()
        {
            var model = TrainedDigits.Model;
            var rows = new[] { new VarRow { Label = 1, Features = new float[100] } };
            var schema = SchemaDefinition.Create(typeof(VarRow));
            schema[nameof(VarRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 100);
            var e = Assert.ThrowsAny<Exception>(() => model.Transform(Ml.Data.LoadFromEnumerable(rows, schema)).GetColumn<float>("PredictedLabel").ToArray());
            Assert.Contains("Features", e.Message);
            Assert.Contains("784", e.Message);
            Assert.Contains("100", e.Message);

            var direct = Assert.Throws<InvalidOperationException>(() => TrainedDigits.Mlp.PredictProbabilities(new float[100]));
            Assert.Contains("length 784", direct.Message);
            Assert.Contains("length 100", direct.Message);
        }

        public sealed class ScalarRow
        {
            public float Label;
            public float Features;
        }

        public sealed class VarRow
        {
            public float Label;
            public float[] Features;
        }
    }
}
