using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>ONNX round trips for the export tests: ML.NET's converter, then ONNX Runtime directly (no ML.NET) or ML.NET's ApplyOnnxModel.</summary>
    internal static class OnnxScoring
    {
        /// <summary>The pipeline as ONNX bytes, through ML.NET's own converter (at its default opset, or <paramref name="opSet"/>).</summary>
        public static byte[] Export(MLContext ml, ITransformer model, IDataView data, int? opSet = null)
        {
            using var stream = new MemoryStream();
            if (opSet is int version)
                ml.Model.ConvertToOnnx(model, data, version, stream);
            else
                ml.Model.ConvertToOnnx(model, data, stream);
            return stream.ToArray();
        }

        /// <summary>
        /// Scores rows with a plain ONNX Runtime session. Every graph input is fed: "Features" from <paramref name="features"/>,
        /// any other (the Label the pipeline's MapValueToKey reads) zeros or false, which no prediction reads. Outputs are returned by
        /// column name ("Score.output" → "Score"), each value as a float (keys, booleans and int64 converted).
        /// </summary>
        public static Dictionary<string, float[]> Run(byte[] onnx, float[][] features)
        {
            using var session = new InferenceSession(onnx);
            int rows = features.Length;
            var inputs = new List<NamedOnnxValue>();
            foreach (var (name, meta) in session.InputMetadata)
            {
                var dims = meta.Dimensions.Select(d => d < 0 ? rows : d).ToArray();
                if (name == "Features")
                    inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(features.SelectMany(f => f).ToArray(), dims)));
                else if (meta.ElementType == typeof(bool))
                    inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<bool>(dims)));
                else
                    inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(dims)));
            }
            using var results = session.Run(inputs);
            return results.ToDictionary(r => r.Name.Replace(".output", ""), r => ToFloats(r.Value));
        }

        private static float[] ToFloats(object tensor) => tensor switch
        {
            Tensor<float> t => t.ToArray(),
            Tensor<bool> t => t.Select(b => b ? 1f : 0f).ToArray(),
            Tensor<uint> t => t.Select(v => (float)v).ToArray(),
            Tensor<long> t => t.Select(v => (float)v).ToArray(),
            _ => Array.Empty<float>(), // string slot names and the like: not compared
        };

        /// <summary>Scores <paramref name="data"/> with ML.NET's ApplyOnnxModel on the exported graph (it names each output column without ".output", as <see cref="Run"/> does).</summary>
        public static IDataView ApplyOnnx(MLContext ml, byte[] onnx, IDataView data)
        {
            string path = Path.Combine(Path.GetTempPath(), $"mlp-onnx-{Guid.NewGuid():N}.onnx");
            File.WriteAllBytes(path, onnx);
            // The file stays until the process ends: the transformer reads it lazily.
            return ml.Transforms.ApplyOnnxModel(path).Fit(data).Transform(data);
        }

        /// <summary>A column as one flat float array, whatever its ML.NET type (vector or scalar; Single, Boolean or key).</summary>
        public static float[] Column(IDataView data, string name)
        {
            var type = data.Schema[name].Type;
            if (type is VectorDataViewType vector)
                return vector.ItemType == BooleanDataViewType.Instance
                    ? data.GetColumn<VBuffer<bool>>(name).SelectMany(v => v.DenseValues()).Select(b => b ? 1f : 0f).ToArray()
                    : data.GetColumn<VBuffer<float>>(name).SelectMany(v => v.DenseValues()).ToArray();
            if (type == BooleanDataViewType.Instance)
                return data.GetColumn<bool>(name).Select(b => b ? 1f : 0f).ToArray();
            if (type is KeyDataViewType)
                return data.GetColumn<uint>(name).Select(k => (float)k).ToArray();
            return data.GetColumn<float>(name).ToArray();
        }

        /// <summary>The Features column of <paramref name="data"/> as rows.</summary>
        public static float[][] Features(IDataView data) =>
            data.GetColumn<VBuffer<float>>("Features").Select(v => v.DenseValues().ToArray()).ToArray();
    }
}
