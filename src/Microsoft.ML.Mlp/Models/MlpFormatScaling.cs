using System;
using System.IO;
using System.Text;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Models
{
    /// <summary>
    /// The end of the MLP payload from format 4 on (docs/model-format.md): the feature scaling — int32 kind (0 none, 1 robust),
    /// then for robust the float32[] centers and float32[] multipliers, one per input — the training rows' feature means
    /// (float32[], one per input, or none for a model first saved before format 4), and the training settings as an int32
    /// byte count and UTF-8 bytes. Reading checks the kind, the lengths against the input size, every center and mean finite,
    /// every multiplier finite and &gt; 0, and the text's UTF-8.
    /// </summary>
    internal static class MlpFormatScaling
    {
        /// <summary>Strict UTF-8: invalid bytes are damage, not replacement characters.</summary>
        private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        public static void Write(BinaryWriter writer, FeatureScaler scaler, float[] featureMeans, string trainingSettings)
        {
            writer.Write((int)(scaler == null ? MlpFeatureScaling.None : MlpFeatureScaling.Robust));
            if (scaler != null)
            {
                MlpFormat.WriteArray(writer, scaler.Center);
                MlpFormat.WriteArray(writer, scaler.Multiplier);
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
            if (kind == (int)MlpFeatureScaling.Robust)
            {
                var center = MlpFormat.Finite(reader.ReadFloatArray(inputSize, "the feature centers"), "the feature centers");
                var multiplier = MlpFormat.Finite(reader.ReadFloatArray(inputSize, "the feature multipliers"), "the feature multipliers");
                if (Array.Exists(multiplier, m => !(m > 0)))
                    throw FormatReader.Damaged("the feature multipliers hold a value that is not > 0");
                scaler = new FeatureScaler(center, multiplier);
            }
            else if (kind != (int)MlpFeatureScaling.None)
            {
                throw FormatReader.Damaged($"the feature scaling is {kind}, neither 0 (none) nor 1 (robust)");
            }
            var means = ReadMeans(reader, inputSize);
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
