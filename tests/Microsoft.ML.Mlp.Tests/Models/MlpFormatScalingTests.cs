using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// Format 4's end of the MLP payload (feature scaling, feature means, training settings) read back and checked value by value. In a saved
    /// file the block's SHA-256 rejects damage first; these checks are what stands behind it, as for the weights.
    /// </summary>
    public class MlpFormatScalingTests
    {
        private const string Settings = "HiddenLayerSizes {}, FeatureScaling Robust* (* chosen from the data) — ü";

        /// <summary>A 2-input linear network with robust scaling, as the current writer writes it.</summary>
        private static byte[] Payload(float[] center, float[] multiplier, string settings = Settings, float[] means = null)
        {
            var architecture = new NetworkArchitecture(2, Array.Empty<int>(), 2, MlpActivation.Relu, false, 0);
            var network = new NetworkWeights(architecture, new[] { new LayerWeights { Weight = new float[] { 1, 2, 3, 4 }, Bias = new float[] { 5, 6 } } });
            var history = new List<MlpEpochMetrics> { new() { Epoch = 1, TrainingLoss = 0.5 } };
            var scaler = center == null ? null : new FeatureScaler(center, multiplier);
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                MlpFormat.Write(writer, new TrainedMlp(network, history, scaler, settings, means));
            return stream.ToArray();
        }

        private static TrainedMlp Read(byte[] payload, int version = 4) => MlpFormat.Read(new FormatReader(payload, 0, payload.Length, version));

        private static string Damage(byte[] payload) =>
            Assert.Throws<FormatReader.DamageException>(() => Read(payload)).Message;

        /// <summary>Where the scaling kind sits: before two 2-float arrays, the means (none: a 0 count) and the settings' length and bytes.</summary>
        private static int KindOffset(byte[] payload, string settings = Settings) =>
            payload.Length - System.Text.Encoding.UTF8.GetByteCount(settings) - 4 - 4 - 2 * (4 + 2 * 4) - 4;

        [Fact]
        public void ScalingAndSettingsReadBackAsWritten()
        {
            var read = Read(Payload(new[] { 1.5f, -2f }, new[] { 0.25f, 4f }));
            Assert.Equal(new[] { 1.5f, -2f }, read.Scaler.Center.ToArray());
            Assert.Equal(new[] { 0.25f, 4f }, read.Scaler.Multiplier.ToArray());
            Assert.Equal(Settings, read.TrainingSettings);

            var none = Read(Payload(null, null, ""));
            Assert.Null(none.Scaler);
            Assert.Equal("", none.TrainingSettings);
        }

        [Fact]
        public void AFormat3PayloadHasNeitherAndLoadsAsNone()
        {
            var payload = Payload(null, null, "");
            var format3 = payload.AsSpan(0, payload.Length - 12).ToArray(); // without the kind 0, the 0 means and the empty settings
            var read = Read(format3, version: 3);
            Assert.Null(read.Scaler);
            Assert.Null(read.FeatureMeans);
            Assert.Equal("", read.TrainingSettings);
            Assert.Contains("12 unexpected bytes follow the training history", Assert.Throws<FormatReader.DamageException>(() => Read(payload, version: 3)).Message);
        }

        [Fact]
        public void AnUnknownKindIsDamage()
        {
            var payload = Payload(new[] { 0f, 0f }, new[] { 1f, 1f });
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(KindOffset(payload)), 2);
            Assert.Equal("the feature scaling is 2, neither 0 (none) nor 1 (robust)", Damage(payload));
        }

        [Theory]
        [InlineData(float.NaN, 1f, "the feature centers hold a value that is not a finite number")]
        [InlineData(0f, 0f, "the feature multipliers hold a value that is not > 0")]
        [InlineData(0f, -1f, "the feature multipliers hold a value that is not > 0")]
        [InlineData(0f, float.PositiveInfinity, "the feature multipliers hold a value that is not a finite number")]
        public void ImpossibleScalingValuesAreDamage(float center, float multiplier, string detail) =>
            Assert.StartsWith(detail, Damage(Payload(new[] { 1f, center }, new[] { 1f, multiplier }))); // then the value, as the culture prints it

        [Fact]
        public void ArraysOfAnotherLengthThanTheInputAreDamage()
        {
            var payload = Payload(new[] { 0f, 0f }, new[] { 1f, 1f });
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(KindOffset(payload) + 4), 3);
            Assert.Equal("the feature centers holds 3 values where the architecture needs 2", Damage(payload));
        }

        /// <summary>A 2-feature linear network with robust scaling and the given bins (format 5), its input 2 + bins.</summary>
        private static byte[] EncodedPayload(int[] source, float[] lower, float[] multiplier)
        {
            int inputs = 2 + source.Length;
            var architecture = new NetworkArchitecture(inputs, Array.Empty<int>(), 2, MlpActivation.Relu, false, 0);
            var network = new NetworkWeights(architecture, new[] { new LayerWeights { Weight = new float[2 * inputs], Bias = new float[] { 5, 6 } } });
            var scaler = new FeatureScaler(new[] { 1.5f, -2f }, new[] { 0.25f, 4f }, new PiecewiseLinearEncoding(source, lower, multiplier));
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                MlpFormat.Write(writer, new TrainedMlp(network, new List<MlpEpochMetrics>(), scaler, Settings, new[] { 0.5f, 1f }));
            return stream.ToArray();
        }

        /// <summary>Where kind 2's first bin feature sits: after the kind, the bin count and the two 2-float arrays.</summary>
        private static int FirstBinFeatureOffset(byte[] payload, int bins) =>
            payload.Length - System.Text.Encoding.UTF8.GetByteCount(Settings) - 4 - (4 + 2 * 4) - 2 * (4 + 4 * bins) - 4 * bins;

        [Fact]
        public void PiecewiseLinearBinsReadBackAsWrittenFromFormat5On()
        {
            var payload = EncodedPayload(new[] { 0, 0, 1 }, new[] { -1f, 0.5f, 2f }, new[] { 0.5f, 2f, 1f });
            var read = Read(payload, version: 5);
            Assert.Equal(2, read.Scaler.Width);
            Assert.Equal(5, read.Scaler.OutputWidth);
            Assert.Equal(new[] { 0, 0, 1 }, read.Scaler.Encoding.Source.ToArray());
            Assert.Equal(new[] { -1f, 0.5f, 2f }, read.Scaler.Encoding.Lower.ToArray());
            Assert.Equal(new[] { 0.5f, 2f, 1f }, read.Scaler.Encoding.Multiplier.ToArray());
            Assert.Equal(new[] { 0.5f, 1f }, read.FeatureMeans);
            // Format 4 has no kind 2: the same bytes under a version-4 header are damage, not a misread.
            Assert.Equal("the feature scaling is 2, neither 0 (none) nor 1 (robust)",
                Assert.Throws<FormatReader.DamageException>(() => Read(payload, version: 4)).Message);
        }

        [Fact]
        public void BinsOutsideTheFeaturesOrOutOfOrderOrNotPositiveAreDamage()
        {
            string DamageAt5(byte[] bytes) => Assert.Throws<FormatReader.DamageException>(() => Read(bytes, version: 5)).Message;
            var payload = EncodedPayload(new[] { 0, 1 }, new[] { 0f, 0f }, new[] { 1f, 1f });
            int first = FirstBinFeatureOffset(payload, 2);
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(first), 2);
            Assert.Equal("the bins' features are not ascending within the 2 features", DamageAt5(payload));
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(first), 0);
            BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(first + 8 + 4 + 8 + 4 + 4), 0f); // the second bin's multiplier
            Assert.StartsWith("the bins' multipliers hold a value that is not > 0", DamageAt5(payload));
            var counted = EncodedPayload(new[] { 0 }, new[] { 0f }, new[] { 1f });
            BinaryPrimitives.WriteInt32LittleEndian(counted.AsSpan(FirstBinFeatureOffset(counted, 1) - 24 - 4), 3); // the bin count
            Assert.Equal("the bin count is 3 where the input size 3 leaves 1 to 2", DamageAt5(counted));
        }

        [Fact]
        public void FeatureMeansReadBackAsWrittenAndNoneReadsAsNull()
        {
            Assert.Equal(new[] { 0.5f, -3f }, Read(Payload(null, null, Settings, new[] { 0.5f, -3f })).FeatureMeans);
            Assert.Null(Read(Payload(new[] { 0f, 0f }, new[] { 1f, 1f })).FeatureMeans); // a model first saved before format 4, saved again
        }

        [Fact]
        public void FeatureMeansOfAnotherLengthOrNotFiniteAreDamage()
        {
            var payload = Payload(null, null, "", new[] { 0.5f, -3f });
            int count = payload.Length - 4 - 2 * 4 - 4; // the means' count: before 2 floats and the settings' length
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(count), 3);
            Assert.Equal("the feature means hold 3 values where the input size is 2 (or 0 for none)", Damage(payload));
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(count), 2);
            BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(count + 8), float.PositiveInfinity);
            Assert.StartsWith("the feature means hold a value that is not a finite number", Damage(payload));
        }

        [Fact]
        public void SettingsThatAreNotUtf8OrLongerThanThePayloadAreDamage()
        {
            var payload = Payload(new[] { 0f, 0f }, new[] { 1f, 1f }, "ab");
            payload[^1] = 0xFF;
            Assert.Equal("the training settings are not valid UTF-8", Damage(payload));
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(payload.Length - 6), 1000);
            Assert.Contains("the training settings' length is 1000, more than the 2 remaining bytes", Damage(payload));
        }
    }
}
