using System;
using System.IO;
using System.Text;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Models
{
    /// <summary>
    /// The end of the MLP payload from format 4 on (docs/model-format.md): the feature scaling — int32 kind (0 none, 1 robust,
    /// from format 5 on 2 robust with a piecewise-linear encoding), then for robust the float32[] centers and float32[]
    /// multipliers, one per feature (for kind 2 preceded by the int32 bin count and followed by the bins: int32 feature per bin,
    /// then float32[] lower edges and float32[] multipliers) — the training rows' feature means (float32[], one per feature, or none for a model first
    /// saved before format 4), and the training settings as an int32 byte count and UTF-8 bytes. The features are the
    /// network's inputs less the bins. Reading checks the kind, the lengths against the input size, every center and mean
    /// finite, every multiplier finite and &gt; 0, every bin's feature in range and ascending, and the text's UTF-8.
    /// </summary>
    internal static class MlpFormatScaling
    {
        /// <summary>Strict UTF-8: invalid bytes are damage, not replacement characters.</summary>
        private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        /// <summary>Kind 2 (format 5 on): robust scaling followed by a piecewise-linear encoding.</summary>
        private const int RobustPiecewiseLinear = 2;

        public static void Write(BinaryWriter writer, FeatureScaler scaler, float[] featureMeans, string trainingSettings)
        {
            var bins = scaler?.Encoding;
            writer.Write(scaler == null ? (int)MlpFeatureScaling.None : bins == null ? (int)MlpFeatureScaling.Robust : RobustPiecewiseLinear);
            if (bins != null)
                writer.Write(bins.Count);
            if (scaler != null)
            {
                MlpFormat.WriteArray(writer, scaler.Center);
                MlpFormat.WriteArray(writer, scaler.Multiplier);
            }
            if (bins != null)
            {
                foreach (int feature in bins.Source)
                    writer.Write(feature);
                MlpFormat.WriteArray(writer, bins.Lower);
                MlpFormat.WriteArray(writer, bins.Multiplier);
            }
            MlpFormat.WriteArray(writer, featureMeans ?? Array.Empty<float>());
            var text = s_utf8.GetBytes(trainingSettings ?? "");
            writer.Write(text.Length);
            writer.Write(text);
        }

        /// <param name="reader">The payload, positioned after the history.</param>
        /// <param name="inputSize">The network's input size: the arrays' length.</param>
        public static (FeatureScaler Scaler, float[] FeatureMeans, string TrainingSettings) Read(FormatReader reader, int inputSize)
        {
            int kind = reader.ReadInt32("the feature scaling");
            FeatureScaler scaler = null;
            if (kind == (int)MlpFeatureScaling.Robust || (kind == RobustPiecewiseLinear && reader.FormatVersion >= 5))
            {
                int bins = kind == RobustPiecewiseLinear ? reader.ReadInt32("the bin count") : 0;
                if (kind == RobustPiecewiseLinear && !(bins >= 1 && bins < inputSize))
                    throw FormatReader.Damaged($"the bin count is {bins} where the input size {inputSize} leaves 1 to {inputSize - 1}");
                int features = inputSize - bins; // the network reads the scaled features, then the bins
                var center = MlpFormat.Finite(reader.ReadFloatArray(features, "the feature centers"), "the feature centers");
                var multiplier = Positive(reader.ReadFloatArray(features, "the feature multipliers"), "the feature multipliers");
                var encoding = bins > 0 ? ReadEncoding(reader, features, bins) : null;
                scaler = new FeatureScaler(center, multiplier, encoding);
            }
            else if (kind != (int)MlpFeatureScaling.None)
            {
                throw FormatReader.Damaged(reader.FormatVersion >= 5 ? $"the feature scaling is {kind}, not 0 (none), 1 (robust) or 2 (robust with piecewise-linear bins)"
                    : $"the feature scaling is {kind}, neither 0 (none) nor 1 (robust)");
            }
            var means = ReadMeans(reader, scaler?.Width ?? inputSize);
            int length = reader.ReadCount(1, "the training settings' length");
            try
            {
                return (scaler, means, s_utf8.GetString(reader.ReadBytes(length, "the training settings")));
            }
            catch (DecoderFallbackException)
            {
                throw FormatReader.Damaged("the training settings are not valid UTF-8");
            }
        }

        /// <summary>The encoding of <paramref name="bins"/> bins over <paramref name="features"/> features.</summary>
        private static PiecewiseLinearEncoding ReadEncoding(FormatReader reader, int features, int bins)
        {
            if ((long)bins * sizeof(int) > reader.Remaining)
                throw FormatReader.Damaged($"the {bins} bins' features need more than the {reader.Remaining} remaining bytes");
            var source = new int[bins];
            for (int j = 0; j < bins; j++)
                source[j] = reader.ReadInt32("the bins' features");
            var lower = MlpFormat.Finite(reader.ReadFloatArray(bins, "the bins' lower edges"), "the bins' lower edges");
            var multiplier = Positive(reader.ReadFloatArray(bins, "the bins' multipliers"), "the bins' multipliers");
            var encoding = new PiecewiseLinearEncoding(source, lower, multiplier);
            if (!encoding.ReadsWithin(features))
                throw FormatReader.Damaged($"the bins' features are not ascending within the {features} features");
            return encoding;
        }

        private static float[] Positive(float[] values, string what)
        {
            MlpFormat.Finite(values, what);
            if (Array.Exists(values, m => !(m > 0)))
                throw FormatReader.Damaged($"{what} hold a value that is not > 0");
            return values;
        }

        /// <summary>The feature means: one per input, or none (an empty array: a model first saved before format 4).</summary>
        private static float[] ReadMeans(FormatReader reader, int inputSize)
        {
            int count = reader.ReadInt32("the feature means' length");
            if (count == 0)
                return null;
            if (count != inputSize || (long)count * sizeof(float) > reader.Remaining)
                throw FormatReader.Damaged($"the feature means hold {count} values where the input size is {inputSize} (or 0 for none)");
            return MlpFormat.Finite(reader.ReadFloatArrayOf(count, "the feature means"), "the feature means");
        }
    }
}
