using System;
using System.IO;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>One Linear layer's trained values, plus its batch normalization when the layer has one.
    /// Weight is row-major [out, in], the layout scoring reads fastest.</summary>
    internal sealed class LayerWeights
    {
        public float[] Weight;
        public float[] Bias;
        public float[] Gamma;
        public float[] Beta;
        public float[] RunningMean;
        public float[] RunningVariance;

        public bool HasBatchNorm => Gamma != null;
    }

    /// <summary>A trained network as plain managed arrays: what is saved in the model zip, what scoring
    /// uses, and what warm start loads back into torch. Holds no native memory.</summary>
    internal sealed class NetworkWeights
    {
        public NetworkWeights(NetworkArchitecture architecture, LayerWeights[] layers)
        {
            Architecture = architecture;
            Layers = layers;
        }

        public NetworkArchitecture Architecture { get; }

        public LayerWeights[] Layers { get; }

        public void Write(BinaryWriter writer)
        {
            Architecture.Write(writer);
            foreach (var layer in Layers)
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

        public static NetworkWeights Read(BinaryReader reader)
        {
            var architecture = NetworkArchitecture.Read(reader);
            var layers = new LayerWeights[architecture.LayerCount];
            for (int l = 0; l < layers.Length; l++)
            {
                int fanIn = architecture.LayerInput(l), fanOut = architecture.LayerOutput(l);
                var layer = new LayerWeights { Weight = ReadArray(reader, fanIn * fanOut), Bias = ReadArray(reader, fanOut) };
                bool normalized = reader.ReadBoolean();
                if (normalized != (architecture.UseBatchNormalization && l < architecture.HiddenLayerSizes.Length))
                    throw new InvalidDataException("The saved MLP weights are corrupt: batch-norm layers do not match the architecture.");
                if (normalized)
                {
                    layer.Gamma = ReadArray(reader, fanOut);
                    layer.Beta = ReadArray(reader, fanOut);
                    layer.RunningMean = ReadArray(reader, fanOut);
                    layer.RunningVariance = ReadArray(reader, fanOut);
                }
                layers[l] = layer;
            }
            return new NetworkWeights(architecture, layers);
        }

        private static void WriteArray(BinaryWriter writer, float[] values)
        {
            writer.Write(values.Length);
            var bytes = new byte[values.Length * sizeof(float)];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            writer.Write(bytes);
        }

        private static float[] ReadArray(BinaryReader reader, int expectedLength)
        {
            int length = reader.ReadInt32();
            if (length != expectedLength)
                throw new InvalidDataException($"The saved MLP weights are corrupt: expected {expectedLength} values, found {length}.");
            var values = new float[length];
            var bytes = reader.ReadBytes(length * sizeof(float));
            if (bytes.Length != length * sizeof(float))
                throw new InvalidDataException("The saved MLP weights are truncated.");
            Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
            return values;
        }
    }
}
