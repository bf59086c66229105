using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>The explanation transformer through ML.NET's save and load: alone and in a pipeline, its settings and model
    /// intact, damage and newer versions refused as the models refuse them; ML.NET's own transform on an Mlp saved too.</summary>
    public class IntegratedGradientsSaveLoadTests
    {
        private readonly ITestOutputHelper _output;

        public IntegratedGradientsSaveLoadTests(ITestOutputHelper output) => _output = output;

        private static (MemoryStream Zip, float[][] Before) Saved(string kind, IEstimator<ITransformer> estimator)
        {
            var c = ExplainFixtures.Get(kind);
            var explainer = estimator.Fit(c.Rows);
            var zip = new MemoryStream();
            c.Ml.Model.Save(explainer, c.Rows.Schema, zip);
            zip.Position = 0;
            return (zip, ExplainFixtures.Read(explainer.Transform(c.Rows), "FeatureContributions"));
        }

        [Theory]
        [InlineData("multiclass-stacking")]
        [InlineData("binary")]
        public void ASavedTransformerLoadsWithItsSettingsAndGivesIdenticalContributions(string kind)
        {
            var c = ExplainFixtures.Get(kind);
            var options = new IntegratedGradientsEstimator.Options { Steps = 7, Baseline = Enumerable.Repeat(0.25f, 784).ToArray(), OutputColumnName = "Why" };
            if (kind.StartsWith("multiclass"))
                options.ClassIndex = 3;
            var explainer = c.Ml.Transforms.CalculateIntegratedGradients(c.Model, options).Fit(c.Rows);
            var before = ExplainFixtures.Read(explainer.Transform(c.Rows), "Why");
            var zip = new MemoryStream();
            c.Ml.Model.Save(c.Model.Append(explainer), c.Rows.Schema, zip);
            zip.Position = 0;

            var loaded = new MLContext(seed: 2).Model.Load(zip, out _);
            var restored = ((TransformerChain<ITransformer>)loaded).OfType<IntegratedGradientsTransformer>().Single();
            Assert.Equal((7, 3 * (kind.StartsWith("multiclass") ? 1 : 0), "Why", "Features"),
                (restored.Steps, restored.ClassIndex ?? 0, restored.OutputColumnName, restored.FeatureColumnName));
            Assert.Equal(options.Baseline, restored.Baseline);
            Assert.Equal(before, ExplainFixtures.Read(loaded.Transform(c.Rows), "Why"));
        }

        [Fact]
        public void AFlippedByteIsReportedAsACorruptFileNamingTheTransformer()
        {
            var c = ExplainFixtures.Get("regression");
            var (zip, _) = Saved("regression", c.Ml.Transforms.CalculateIntegratedGradients(c.Model));
            var files = ModelZip.Open(zip);
            string entry = Entry(files);
            var bytes = (byte[])files[entry].Clone();
            var (start, end) = ModelZip.ModelRegion(bytes);
            bytes[(start + end) / 2] ^= 0x10;

            var ex = LoadFails(files, entry, bytes);
            Assert.IsType<InvalidDataException>(ex);
            Assert.StartsWith("The model file is corrupt: the IntegratedGradientsTransformer at 'TransformerChain' is damaged (its SHA-256 checksum does not match", ex.Message);
        }

        [Fact]
        public void ANewerFormatVersionIsRefusedNamingBothVersions()
        {
            var c = ExplainFixtures.Get("regression");
            var (zip, _) = Saved("regression", c.Ml.Transforms.CalculateIntegratedGradients(c.Model));
            var files = ModelZip.Open(zip);
            string entry = Entry(files);
            var bytes = (byte[])files[entry].Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(72), 0x0001_0009);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(76), 0x0001_0009);

            var ex = LoadFails(files, entry, bytes);
            Assert.IsType<NotSupportedException>(ex);
            Assert.Contains("IntegratedGradientsTransformer at 'TransformerChain' was saved in Microsoft.ML.Mlp model format version 9", ex.Message);
        }

        [Fact]
        public void MlNetsOwnTransformOnABinaryMlpSavesAndLoads()
        {
            var c = ExplainFixtures.Get("binary");
            var binary = (BinaryPredictionTransformer<Microsoft.ML.Calibrators.CalibratedModelParametersBase<MlpBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator>>)c.Model;
            var (zip, before) = Saved("binary", c.Ml.Transforms.CalculateFeatureContribution(binary, 5, 5));
            var loaded = new MLContext(seed: 2).Model.Load(zip, out _);
            Assert.Equal(before, ExplainFixtures.Read(loaded.Transform(c.Rows), "FeatureContributions"));
        }

        /// <summary>The transformer's own entry (its model is in a sub-directory).</summary>
        private static string Entry(ModelZip zip) => zip.Entries.Single(e => ModelZip.Signature(e.Bytes) == "MLPIGRAD").Name;

        private Exception LoadFails(ModelZip zip, string entry, byte[] damaged)
        {
            using var stream = zip.With(entry, damaged);
            var ex = Assert.ThrowsAny<Exception>(() => new MLContext(seed: 1).Model.Load(stream, out _));
            _output.WriteLine(ModelZip.Messages(ex));
            return ex.GetBaseException();
        }
    }
}
