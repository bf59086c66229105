using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MnistImage = Microsoft.ML.MnistCatalog.MnistImage;

namespace MnistEnsemble
{
    /// <summary>What the exported ONNX graph scored on the test set with ONNX Runtime alone, beside ML.NET's own accuracy.</summary>
    public sealed record OnnxCheck(string Path, double Accuracy, int Agreements, int Rows);

    /// <summary>
    /// The <c>--onnx PATH</c> option: the trained pipeline (MapValueToKey → ensemble → MapKeyToValue) written as ONNX by ML.NET's
    /// converter, then the test set scored by a plain ONNX Runtime session — no ML.NET — as a Python, C++ or Java service would.
    /// </summary>
    internal static class OnnxExport
    {
        private const int BatchRows = 1000;

        public static OnnxCheck ExportAndScore(MLContext ml, ITransformer model, IDataView trainData, MnistImage[] testRows, float[] mlNetPredictions, string path)
        {
            path = System.IO.Path.GetFullPath(path);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path));
            using (var stream = File.Create(path))
                ml.Model.ConvertToOnnx(model, trainData, stream);

            using var session = new InferenceSession(path);
            int correct = 0, agreements = 0;
            for (int start = 0; start < testRows.Length; start += BatchRows)
            {
                var batch = testRows.AsSpan(start, Math.Min(BatchRows, testRows.Length - start)).ToArray();
                var predicted = PredictedLabels(session, batch);
                for (int i = 0; i < batch.Length; i++)
                {
                    correct += predicted[i] == batch[i].Label ? 1 : 0;
                    agreements += predicted[i] == mlNetPredictions[start + i] ? 1 : 0;
                }
            }
            return new OnnxCheck(path, (double)correct / testRows.Length, agreements, testRows.Length);
        }

        /// <summary>One batch through ONNX Runtime: the graph's inputs are the pipeline's input columns (Label is read only by
        /// MapValueToKey, never by a prediction, so zeros do), its outputs the pipeline's columns with ".output" appended.</summary>
        private static float[] PredictedLabels(InferenceSession session, MnistImage[] batch)
        {
            int width = batch[0].Features.Length;
            var features = new DenseTensor<float>(batch.SelectMany(r => r.Features).ToArray(), new[] { batch.Length, width });
            var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("Features", features) };
            if (session.InputMetadata.ContainsKey("Label"))
                inputs.Add(NamedOnnxValue.CreateFromTensor("Label", new DenseTensor<float>(new[] { batch.Length, 1 })));
            using var results = session.Run(inputs, new[] { "PredictedLabel.output" });
            return results.Single().AsTensor<float>().ToArray();
        }
    }
}
