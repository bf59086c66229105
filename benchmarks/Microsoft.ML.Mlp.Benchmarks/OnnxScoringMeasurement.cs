using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>
    /// The <c>onnx</c> mode: the seed model trained once, then the test set scored in bulk two ways — this package's own
    /// <see cref="MlpMulticlassModelParameters.PredictBatch"/> and ONNX Runtime running the graph ML.NET's converter exported — as rows/s,
    /// the best pass of rounds in which the two take turns, both on the same number of threads. Also checks that the two agree (largest probability difference,
    /// accuracy of each), so a fast but wrong export cannot pass unnoticed.
    /// </summary>
    public static class OnnxScoringMeasurement
    {
        private const int Passes = 5, Rounds = 4;

        public static int Run(HarnessOptions options)
        {
            var ml = new MLContext(seed: 0);
            var (train, test) = Datasets.LoadIdxFolder(ml, options.DataDirectory);
            Log($"training the seed model for {options.Epochs} epoch(s) on {options.DataDirectory} …");
            var trainerOptions = Datasets.SeedOptions(options.Epochs);
            trainerOptions.NumberOfThreads = options.Threads;
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(trainerOptions));
            var model = pipeline.Fit(train);
            var mlp = model.LastTransformer.Model;

            var rows = ml.Data.CreateEnumerable<MnistCatalog.MnistImage>(test, reuseRowObject: false).ToArray();
            var features = rows.SelectMany(r => r.Features).ToArray();
            int width = mlp.NumberOfFeatures;

            using var stream = new MemoryStream();
            ml.Model.ConvertToOnnx(model, train, stream);
            Log($"exported {stream.Length / 1024.0:N0} KiB of ONNX; scoring {rows.Length:N0} rows, {options.Threads} thread(s), best of {Rounds} alternating rounds of {Passes} passes");

            using var sessionOptions = new SessionOptions { IntraOpNumThreads = options.Threads, InterOpNumThreads = 1 };
            using var session = new InferenceSession(stream.ToArray(), sessionOptions);
            var inputs = Inputs(session, features, rows.Length, width);
            // The two take turns, Rounds times Passes passes each, so that a slow stretch of the machine (this VM's noise is
            // ±30% between runs) falls on both; each keeps its fastest pass.
            // PredictBatch's products run on libtorch's process-wide intra-op pool (by default one thread per core), not on the
            // trainer's NumberOfThreads: set to the compared thread count here, so both sides get the same.
            int poolBefore = TorchSharp.torch.get_num_threads();
            TorchSharp.torch.set_num_threads(options.Threads);
            double ours = double.MaxValue, onnx = double.MaxValue;
            float[] ourProbabilities = null, onnxProbabilities = null;
            for (int round = 0; round < Rounds; round++)
            {
                var (oursNow, ourResult) = Best(() => mlp.PredictBatch(features, rows.Length));
                var (onnxNow, onnxResult) = Best(() =>
                {
                    using var results = session.Run(inputs, new[] { "Score.output" });
                    return results.Single().AsTensor<float>().ToArray();
                });
                (ours, ourProbabilities) = (Math.Min(ours, oursNow), ourResult);
                (onnx, onnxProbabilities) = (Math.Min(onnx, onnxNow), onnxResult);
                Log($"round {round + 1}: PredictBatch {rows.Length / oursNow:N0} rows/s, ONNX Runtime {rows.Length / onnxNow:N0} rows/s");
            }

            double largest = ourProbabilities.Zip(onnxProbabilities, (a, b) => (double)Math.Abs(a - b)).Max();
            var keys = KeyValues(model.Transform(test));
            Console.WriteLine();
            Console.WriteLine($"| bulk scoring, seed model, {rows.Length:N0} rows, {options.Threads} thread(s) | rows/s | test accuracy |");
            Console.WriteLine("|---|---:|---:|");
            Console.WriteLine($"| Microsoft.ML.Mlp `PredictBatch` | {rows.Length / ours:N0} | {Accuracy(ourProbabilities, rows, keys):P2} |");
            Console.WriteLine($"| ONNX Runtime {OrtVersion()} `InferenceSession.Run` on the exported graph | {rows.Length / onnx:N0} | {Accuracy(onnxProbabilities, rows, keys):P2} |");
            Console.WriteLine($"largest probability difference between the two: {largest:E2}");
            Console.WriteLine($"libtorch intra-op threads during PredictBatch: {TorchSharp.torch.get_num_threads()} (the process default: {poolBefore})");
            TorchSharp.torch.set_num_threads(poolBefore);
            mlp.Dispose();
            return 0;
        }

        /// <summary>Fastest of <see cref="Passes"/> runs, in seconds, with the last run's result.</summary>
        private static (double Seconds, float[] Result) Best(Func<float[]> score)
        {
            double best = double.MaxValue;
            float[] result = null;
            for (int pass = 0; pass < Passes; pass++)
            {
                var clock = Stopwatch.StartNew();
                result = score();
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            return (best, result);
        }

        /// <summary>The graph's inputs: Features as one [rows, width] tensor; the Label that MapValueToKey reads as zeros (no prediction reads it).</summary>
        private static List<NamedOnnxValue> Inputs(InferenceSession session, float[] features, int rows, int width)
        {
            var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("Features", new DenseTensor<float>(features, new[] { rows, width })) };
            if (session.InputMetadata.ContainsKey("Label"))
                inputs.Add(NamedOnnxValue.CreateFromTensor("Label", new DenseTensor<float>(new[] { rows, 1 })));
            return inputs;
        }

        /// <summary>Which label each Score slot stands for (the Label column's key values).</summary>
        private static float[] KeyValues(IDataView scored)
        {
            VBuffer<float> keys = default;
            scored.Schema["Label"].GetKeyValues(ref keys);
            return keys.DenseValues().ToArray();
        }

        private static double Accuracy(float[] probabilities, MnistCatalog.MnistImage[] rows, float[] keys)
        {
            int classes = keys.Length, correct = 0;
            for (int r = 0; r < rows.Length; r++)
            {
                var row = probabilities.AsSpan(r * classes, classes);
                int best = 0;
                for (int c = 1; c < classes; c++)
                    if (row[c] > row[best])
                        best = c;
                correct += keys[best] == rows[r].Label ? 1 : 0;
            }
            return (double)correct / rows.Length;
        }

        private static string OrtVersion() => typeof(InferenceSession).Assembly.GetName().Version?.ToString(3) ?? "";

        private static void Log(string message) => Console.WriteLine($"[onnx] {message}");
    }
}
