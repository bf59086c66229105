using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Specific damage and version cases, with the exact message a user gets (the fuzz test covers the breadth).</summary>
    public class ModelFileDamageTests
    {
        private const string MlpEntry = "TransformerChain/Transform_001/Model/Model.key";
        private readonly ITestOutputHelper _output;

        public ModelFileDamageTests(ITestOutputHelper output) => _output = output;

        /// <summary>Loads and returns the exception; ML.NET wraps loader errors in reflection exceptions, ours is the innermost.</summary>
        private Exception LoadFails(ModelZip zip, string entry, byte[] damaged)
        {
            using var stream = zip.With(entry, damaged);
            var ex = Assert.ThrowsAny<Exception>(() => new MLContext(seed: 1).Model.Load(stream, out _));
            _output.WriteLine(ModelZip.Messages(ex));
            return ex.GetBaseException();
        }

        [Fact]
        public void OneFlippedWeightBitIsReportedAsACorruptFileNamingTheModel()
        {
            var zip = ModelZip.Open(GoldenModels.ZipPath(2, "mlp"));
            var bytes = (byte[])zip[MlpEntry].Clone();
            var (start, end) = ModelZip.ModelRegion(bytes);
            bytes[(start + end) / 2] ^= 0x10;

            var ex = LoadFails(zip, MlpEntry, bytes);
            Assert.IsType<InvalidDataException>(ex);
            Assert.StartsWith("The model file is corrupt: the MlpMulticlassModelParameters at 'TransformerChain/Transform_001/Model' is damaged (its SHA-256 checksum does not match", ex.Message);
            Assert.Contains("restore it from a good copy", ex.Message);
        }

        [Fact]
        public void ANewerFormatVersionIsRefusedNamingBothVersions()
        {
            var zip = ModelZip.Open(GoldenModels.ZipPath(2, "fused-ensemble"));
            const string entry = "TransformerChain/Transform_001/Model/Model.key";
            var bytes = (byte[])zip[entry].Clone();
            Assert.Equal("SOFTVOTE", ModelZip.Signature(bytes));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(72), 0x0001_0006); // written
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(76), 0x0001_0006); // readable

            var ex = LoadFails(zip, entry, bytes);
            Assert.IsType<NotSupportedException>(ex);
            Assert.Contains("MulticlassSoftVotingModelParameters at 'TransformerChain/Transform_001/Model' was saved in Microsoft.ML.Mlp model format version 6", ex.Message);
            Assert.Contains("reads format versions 1 to 5", ex.Message);
        }

        [Fact]
        public void AVersionOneFileWithARunOf0xFFInItsWeightsIsRejectedInsteadOfScoringNaN()
        {
            // Format 1 has no checksum: the value checks are what stop the NaN model the issue saw load silently.
            var zip = ModelZip.Open(GoldenModels.ZipPath(1, "mlp"));
            var bytes = (byte[])zip[MlpEntry].Clone();
            var (start, end) = ModelZip.ModelRegion(bytes);
            bytes.AsSpan(start + 1000, 64).Fill(0xFF);

            var ex = LoadFails(zip, MlpEntry, bytes);
            Assert.IsType<InvalidDataException>(ex);
            Assert.Contains("is damaged (hidden layer 0 weights hold a value that is not a finite number (NaN))", ex.Message);
        }

        [Theory]
        [InlineData("hidden", "the hidden layer count is 2147483647, more than the")]
        [InlineData("history", "the history length is 2147483647, more than the")]
        [InlineData("weights", "hidden layer 0 weights holds 2147483647 values where the architecture needs 6272")]
        public void AVersionOneFileWithAHugeLengthIsRejectedBeforeAllocating(string field, string detail)
        {
            var zip = ModelZip.Open(GoldenModels.ZipPath(1, "mlp"));
            var bytes = (byte[])zip[MlpEntry].Clone();
            var (start, end) = ModelZip.ModelRegion(bytes);
            const int historyEntries = 2; // the golden recipe trains 2 epochs
            int offset = field switch
            {
                "hidden" => start + 4 + 4,                     // after ML.NET's sizeof(float) and the input size
                "history" => end - 4 - historyEntries * 64,    // the count before 64-byte entries
                _ => start + 4 + 4 + 4 + 4 + 4 + 4 + 1 + 4,     // input, count, one size, classes, activation, batch norm, dropout
            };
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), int.MaxValue);

            long before = GC.GetAllocatedBytesForCurrentThread();
            var ex = LoadFails(zip, MlpEntry, bytes);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.IsType<InvalidDataException>(ex);
            Assert.Contains(detail, ex.Message);
            Assert.True(allocated < 16 << 20, $"{allocated:N0} bytes allocated");
        }

        [Fact]
        public void ADamagedMemberOfAnotherTrainerIsNamedByTheEnsemble()
        {
            var zip = ModelZip.Open(GoldenModels.ZipPath(2, "heterogeneous-ensemble"));
            const string entry = "TransformerChain/Transform_001/Model/Member001/Model.key"; // LbfgsMaximumEntropy: ML.NET's bytes
            var ex = LoadFails(zip, entry, zip[entry][..300]);
            Assert.Contains("The MulticlassSoftVotingModelParameters at 'TransformerChain/Transform_001/Model' could not load member 1 ('Member001')", ex.Message);
        }

        [Fact]
        public void AVersionOneModelSavedAgainIsWrittenInTheCurrentVersionWithTheSameParameters()
        {
            var ml = new MLContext(seed: 1);
            var model = ml.Model.Load(GoldenModels.ZipPath(1, "fused-ensemble"), out var schema);
            var saved = new MemoryStream();
            ml.Model.Save(model, schema, saved);
            saved.Position = 0;
            var zip = ModelZip.Open(saved);
            var ours = zip.OurModelEntries().ToArray();
            Assert.Equal(4, ours.Length);
            foreach (string entry in ours)
            {
                var bytes = zip[entry];
                Assert.Equal(0x0001_0005u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(72)));
                Assert.Equal("MLPF", System.Text.Encoding.ASCII.GetString(bytes, ModelZip.ModelRegion(bytes).Start + 4, 4));
            }
            saved.Position = 0;
            var again = ml.Model.Load(saved, out _);
            Assert.Equal(GoldenModels.ReadExpected(1, "fused-ensemble").Fingerprint, GoldenModels.Fingerprint(GoldenModels.Predictor(again)));
        }
    }
}
