using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Models
{
    /// <summary>
    /// The payload of an <see cref="MlpMulticlassModelParameters"/>: architecture, each layer's arrays, training history. Format 1
    /// stores it bare, format 2 and later inside a checksummed block (<see cref="ModelFormat"/>) with the same bytes; format 3 adds the
    /// task metrics (validation AUC, RMSE, R²) to each history entry; format 4 adds the feature scaling, the training rows' feature means and the training settings
    /// after the history (<see cref="MlpFormatScaling"/>).
    /// Reading validates the semantics too: sizes consistent with the architecture, every weight finite, variances ≥ 0.
    /// </summary>
    internal static class MlpFormat
    {
        /// <summary>Bytes of one history entry: 2 int32, 5 float64, 2 int64; from format 3 on, 3 more float64.</summary>
        private static int HistoryEntryBytes(int version) => 2 * 4 + 5 * 8 + 2 * 8 + (version >= 3 ? 3 * 8 : 0);

        /// <summary>Writes the current format's payload of <paramref name="model"/>.</summary>
        public static void Write(BinaryWriter writer, TrainedMlp model)
        {
            WriteNetwork(writer, model.Network);
            WriteHistory(writer, model.History);
            MlpFormatScaling.Write(writer, model.Scaler, model.FeatureMeans, model.TrainingSettings);
        }

        private static void WriteNetwork(BinaryWriter writer, NetworkWeights network)
        {
            var arch = network.Architecture;
            writer.Write(arch.InputSize);
            writer.Write(arch.HiddenLayerSizes.Length);
            foreach (int size in arch.HiddenLayerSizes)
                writer.Write(size);
            writer.Write(arch.OutputSize);
            writer.Write((int)arch.Activation);
            writer.Write(arch.UseBatchNormalization);
            writer.Write(arch.DropoutRate);
            foreach (var layer in network.Layers)
            {
                WriteArray(writer, layer.Weight);
                WriteArray(writer, layer.Bias);
                writer.Write(layer.HasBatchNorm);
                if (layer.HasBatchNorm)
                {
                    WriteArray(writer, layer.Gamma);
                    WriteArray(writer, layer.Beta);
                    WriteArray(writer, layer.RunningMean);
                    WriteArray(writer, layer.RunningVariance);
                }
            }
        }

        private static void WriteHistory(BinaryWriter writer, IReadOnlyList<MlpEpochMetrics> history)
        {
            writer.Write(history.Count);
            foreach (var h in history)
            {
                writer.Write(h.Member);
                writer.Write(h.Epoch);
                writer.Write(h.TrainingLoss);
                writer.Write(h.TrainingAccuracy);
                writer.Write(h.ValidationLoss ?? double.NaN);
                writer.Write(h.ValidationAccuracy ?? double.NaN);
                writer.Write(h.LearningRate);
                writer.Write(h.Duration.Ticks);
                writer.Write(h.Elapsed.Ticks);
                writer.Write(h.ValidationAuc ?? double.NaN);
                writer.Write(h.ValidationRmse ?? double.NaN);
                writer.Write(h.ValidationRSquared ?? double.NaN);
            }
        }

        /// <summary>A float32[]: its int32 count, then the values.</summary>
        public static void WriteArray(BinaryWriter writer, ReadOnlySpan<float> values)
        {
            writer.Write(values.Length);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        }

        /// <param name="reader">The payload.</param>
        /// <param name="minimumOutputs">2 for classifiers; 1 for regression's single linear output.</param>
        public static TrainedMlp Read(FormatReader reader, int minimumOutputs = 2)
        {
            var arch = ReadArchitecture(reader, minimumOutputs);
            var layers = new LayerWeights[arch.LayerCount];
            for (int l = 0; l < layers.Length; l++)
            {
                long fanIn = arch.LayerInput(l), fanOut = arch.LayerOutput(l);
                string name = l < arch.HiddenLayerSizes.Length ? $"hidden layer {l}" : "the output layer";
                var layer = new LayerWeights
                {
                    Weight = Finite(reader.ReadFloatArray(fanIn * fanOut, name + " weights"), name + " weights"),
                    Bias = Finite(reader.ReadFloatArray(fanOut, name + " biases"), name + " biases"),
                };
                bool normalized = reader.ReadBoolean(name + "'s batch-norm flag");
                if (normalized != (arch.UseBatchNormalization && l < arch.HiddenLayerSizes.Length))
                    throw FormatReader.Damaged($"{name}'s batch-norm flag does not match the architecture");
                if (normalized)
                {
                    layer.Gamma = Finite(reader.ReadFloatArray(fanOut, name + " batch-norm scale"), name + " batch-norm scale");
                    layer.Beta = Finite(reader.ReadFloatArray(fanOut, name + " batch-norm shift"), name + " batch-norm shift");
                    layer.RunningMean = Finite(reader.ReadFloatArray(fanOut, name + " running mean"), name + " running mean");
                    layer.RunningVariance = Finite(reader.ReadFloatArray(fanOut, name + " running variance"), name + " running variance");
                    if (Array.Exists(layer.RunningVariance, v => v < 0))
                        throw FormatReader.Damaged($"{name} running variance holds a negative value");
                }
                layers[l] = layer;
            }
            var history = ReadHistory(reader);
            var (scaler, means, settings) = reader.FormatVersion >= 4 ? MlpFormatScaling.Read(reader, arch.InputSize) : (null, null, "");
            reader.ExpectEnd(reader.FormatVersion >= 4 ? "training settings" : "training history");
            return new TrainedMlp(new NetworkWeights(arch, layers), history, scaler, settings, means);
        }

        private static NetworkArchitecture ReadArchitecture(FormatReader reader, int minimumOutputs)
        {
            int input = reader.ReadInt32("the input size");
            var hidden = new int[reader.ReadCount(sizeof(int), "the hidden layer count")];
            for (int i = 0; i < hidden.Length; i++)
                hidden[i] = reader.ReadInt32($"hidden layer {i}'s size");
            int classes = reader.ReadInt32("the class count");
            var activation = (MlpActivation)reader.ReadInt32("the activation");
            bool batchNorm = reader.ReadBoolean("the batch-norm flag");
            float dropout = reader.ReadSingle("the dropout rate");
            if (input < 1 || classes < minimumOutputs || Array.Exists(hidden, h => h < 1) || !Enum.IsDefined(activation) || !(dropout >= 0 && dropout < 1))
                throw FormatReader.Damaged($"the architecture is impossible (input {input}, hidden [{string.Join(", ", hidden)}], "
                    + $"{classes} classes, activation {(int)activation}, dropout {dropout})");
            return new NetworkArchitecture(input, hidden, classes, activation, batchNorm, dropout);
        }

        private static List<MlpEpochMetrics> ReadHistory(FormatReader reader)
        {
            int count = reader.ReadCount(HistoryEntryBytes(reader.FormatVersion), "the history length");
            var history = new List<MlpEpochMetrics>(count);
            for (int i = 0; i < count; i++)
            {
                string what = $"history entry {i}";
                int member = reader.ReadInt32(what), epoch = reader.ReadInt32(what);
                double loss = reader.ReadDouble(what), accuracy = reader.ReadDouble(what);
                double vLoss = reader.ReadDouble(what), vAccuracy = reader.ReadDouble(what), rate = reader.ReadDouble(what);
                long duration = reader.ReadInt64(what), elapsed = reader.ReadInt64(what);
                double auc = double.NaN, rmse = double.NaN, rSquared = double.NaN;
                if (reader.FormatVersion >= 3)
                    (auc, rmse, rSquared) = (reader.ReadDouble(what), reader.ReadDouble(what), reader.ReadDouble(what));
                if (member < 0 || epoch < 1 || duration < 0 || elapsed < 0)
                    throw FormatReader.Damaged($"{what} is impossible (member {member}, epoch {epoch}, ticks {duration}, {elapsed})");
                history.Add(new MlpEpochMetrics
                {
                    Member = member,
                    Epoch = epoch,
                    TrainingLoss = loss,
                    TrainingAccuracy = accuracy,
                    ValidationLoss = double.IsNaN(vLoss) ? null : vLoss,
                    ValidationAccuracy = double.IsNaN(vAccuracy) ? null : vAccuracy,
                    LearningRate = rate,
                    Duration = TimeSpan.FromTicks(duration),
                    Elapsed = TimeSpan.FromTicks(elapsed),
                    ValidationAuc = double.IsNaN(auc) ? null : auc,
                    ValidationRmse = double.IsNaN(rmse) ? null : rmse,
                    ValidationRSquared = double.IsNaN(rSquared) ? null : rSquared,
                });
            }
            return history;
        }

        /// <summary><paramref name="values"/> when every one is a finite number; otherwise damage naming <paramref name="what"/>.</summary>
        public static float[] Finite(float[] values, string what)
        {
            if (Engine.FiniteValues.AllFinite(values)) // the vectorised check; the scalar search only names the bad value
                return values;
            float bad = Array.Find(values, v => !float.IsFinite(v));
            throw FormatReader.Damaged($"{what} hold a value that is not a finite number ({bad})");
        }
    }
}
