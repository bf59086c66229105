using System;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    public class SmokeTests
    {
        private readonly ITestOutputHelper _output;
        public SmokeTests(ITestOutputHelper output) => _output = output;

        [Theory]
        [InlineData(true, 0.1f, 20, 256)]
        [InlineData(true, 0.2f, 6, 128)]
        public void TrainsOnDigits(bool bn, float dropout, int epochs, int width)
        {
            var ml = new MLContext(seed: 1);
            var train = Digits.Load(ml, 0, 1600);
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpTrainer.Options { NumberOfEpochs = epochs, HiddenLayerSizes = new[] { width }, DropoutRate = dropout, UseBatchNormalization = bn }));
            var model = pipeline.Fit(train);
            foreach (int skip in new[] { 1600, 8000, 9600 }) {
            var test = Digits.Load(ml, skip, 400);
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
            _output.WriteLine($"acc {skip} {metrics.MicroAccuracy} logloss {metrics.LogLoss}");}
        }
    }
}
