using System;
using System.IO;
using System.Text;
using Microsoft.ML.Trainers.Mlp.Models;

namespace Microsoft.ML.Trainers.Mlp.Explain
{
    /// <summary>
    /// What an <see cref="IntegratedGradientsTransformer"/> is set to, besides its model: the columns, the step count, the
    /// baseline (null: the model's default) and the class (null: each row's predicted class). <see cref="Check"/> holds every
    /// rule the options must meet; the transformer's file stores these values in a checksummed block (<see cref="Write"/>).
    /// </summary>
    internal sealed record ExplainSettings(string FeatureColumn, string OutputColumn, int Steps, float[] Baseline, int? ClassIndex)
    {
        private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        /// <summary>Checks the settings against <paramref name="model"/>; the messages name the value and the fix.</summary>
        /// <exception cref="ArgumentOutOfRangeException">A step count below 1, a baseline of another length or not finite, a class out of range.</exception>
        /// <exception cref="ArgumentException">An empty column name.</exception>
        public void Check(ExplainedModel model)
        {
            if (string.IsNullOrWhiteSpace(FeatureColumn) || string.IsNullOrWhiteSpace(OutputColumn))
                throw new ArgumentException("The feature and output column names must not be empty.", string.IsNullOrWhiteSpace(FeatureColumn) ? "featureColumnName" : "outputColumnName");
            if (Steps < 1)
                throw new ArgumentOutOfRangeException("steps", Steps,
                    $"steps is {Steps}, but integrated gradients need at least 1 step; use the default 32, or 64 or more where the attributions must sum to the change of the output within 1%.");
            if (Baseline != null)
                CheckBaseline(model);
            if (ClassIndex is int chosen)
                CheckClass(model, chosen);
        }

        private void CheckBaseline(ExplainedModel model)
        {
            if (Baseline.Length != model.FeatureCount)
                throw new ArgumentOutOfRangeException("baseline", Baseline.Length,
                    $"baseline has {Baseline.Length} values but the {model.Name} reads {model.FeatureCount} features; give one value per feature, "
                    + "in the feature column's own units, or null for the mean of the training rows.");
            int bad = Array.FindIndex(Baseline, v => !float.IsFinite(v));
            if (bad >= 0)
                throw new ArgumentOutOfRangeException("baseline", Baseline[bad], $"baseline[{bad}] is {Baseline[bad]}; every baseline value must be a finite number.");
        }

        private static void CheckClass(ExplainedModel model, int chosen)
        {
            if (model.Multiclass == null)
                throw new ArgumentOutOfRangeException("classIndex", chosen,
                    $"classIndex is {chosen}, but the {model.Name} has one output (binary: the Score or P(true); regression: the Score); leave classIndex null.");
            if (chosen < 0 || chosen >= model.OutputCount)
                throw new ArgumentOutOfRangeException("classIndex", chosen,
                    $"classIndex is {chosen} but the {model.Name} has classes 0 to {model.OutputCount - 1} (slots of its Score vector; "
                    + "the key value k of PredictedLabel is class k − 1); use one of those, or null for each row's predicted class.");
        }

        /// <summary>The payload: two UTF-8 strings, int32 steps, int32 class (−1: predicted), float32[] baseline (empty: the model's default).</summary>
        public void Write(BinaryWriter writer)
        {
            WriteString(writer, FeatureColumn);
            WriteString(writer, OutputColumn);
            writer.Write(Steps);
            writer.Write(ClassIndex ?? -1);
            MlpFormat.WriteArray(writer, Baseline ?? Array.Empty<float>());
        }

        /// <summary>Reads what <see cref="Write"/> wrote; impossible values are damage (the model check follows on load).</summary>
        public static ExplainSettings Read(FormatReader reader)
        {
            string features = ReadString(reader, "the feature column name"), output = ReadString(reader, "the output column name");
            int steps = reader.ReadInt32("the step count"), classIndex = reader.ReadInt32("the class index");
            int count = reader.ReadCount(sizeof(float), "the baseline length");
            var baseline = count == 0 ? null : MlpFormat.Finite(reader.ReadFloatArrayOf(count, "the baseline"), "the baseline");
            reader.ExpectEnd("settings");
            if (steps < 1 || classIndex < -1)
                throw FormatReader.Damaged($"the settings are impossible (steps {steps}, class {classIndex})");
            return new ExplainSettings(features, output, steps, baseline, classIndex < 0 ? null : classIndex);
        }

        private static void WriteString(BinaryWriter writer, string value)
        {
            var bytes = s_utf8.GetBytes(value);
            writer.Write(bytes.Length);
            writer.Write(bytes);
        }

        private static string ReadString(FormatReader reader, string what)
        {
            int length = reader.ReadCount(1, what + "'s length");
            try
            {
                string value = s_utf8.GetString(reader.ReadBytes(length, what));
                return value.Length > 0 ? value : throw FormatReader.Damaged($"{what} is empty");
            }
            catch (DecoderFallbackException)
            {
                throw FormatReader.Damaged($"{what} is not valid UTF-8");
            }
        }
    }
}
