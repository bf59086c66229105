using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>
    /// The <c>scoring</c> mode (issue 19, "scoring from the first row"): in a fresh process, the seed model (or, with
    /// <c>--maxent</c>, LbfgsMaximumEntropy on the same rows: run it as a second process, so that neither model finds
    /// ML.NET's shared scoring code already compiled by the other), then <c>Transform</c> of the test rows pass after pass
    /// (every Score read through a cursor) as rows/s per pass — the first passes show what JIT tiering and first-use costs
    /// add — and a PredictionEngine's per-row latency (p50, p99, max) after a warm-up.
    /// </summary>
    public static class ScoringPassesMeasurement
    {
        private const int Passes = 8, WarmUpRows = 1_000;

        public static int Run(HarnessOptions options)
        {
            var ml = new MLContext(seed: 0);
            var (train, test) = Datasets.LoadIdxFolder(ml, options.DataDirectory);
            var rows = ml.Data.CreateEnumerable<MnistCatalog.MnistImage>(test, reuseRowObject: false).ToArray();
            var testRows = ml.Data.Cache(test);
            Fill(testRows); // the cache fills on its first read: that must not count as the first scoring pass
            // One model per process, so neither finds the other's JIT work done (ML.NET's generic scoring code is shared).
            string name = options.MaxEnt ? "LbfgsMaximumEntropy" : "Mlp seed model";
            ITransformer model;
            if (options.MaxEnt)
            {
                Log("training LbfgsMaximumEntropy (20 iterations) …");
                model = ml.Transforms.Conversion.MapValueToKey("Label")
                    .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { MaximumNumberOfIterations = 20 }))
                    .Fit(train);
            }
            else
            {
                var seed = Datasets.SeedOptions(options.Epochs);
                seed.NumberOfThreads = options.Threads;
                Log($"training the seed model ({options.Epochs} epoch(s)) …");
                model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(seed)).Fit(train);
            }

            Console.WriteLine();
            Console.WriteLine($"| Transform of {rows.Length:N0} test rows, rows/s | " + string.Join(" | ", Enumerable.Range(1, Passes).Select(p => $"pass {p}")) + " | spread after pass 1 |");
            Console.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---:|", Passes + 1)));
            Console.WriteLine(PassesRow(name, TransformPasses(model, testRows, rows.Length)));

            Console.WriteLine();
            Console.WriteLine($"| PredictionEngine, {rows.Length:N0} rows after {WarmUpRows:N0} warm-up | p50 µs | p99 µs | max µs |");
            Console.WriteLine("|---|---:|---:|---:|");
            Console.WriteLine(LatencyRow(name, ml, model, rows));
            return 0;
        }

        /// <summary>Rows/s of each pass: Transform, then every row's Score read through one cursor.</summary>
        private static double[] TransformPasses(ITransformer model, IDataView data, int count)
        {
            var result = new double[Passes];
            for (int pass = 0; pass < Passes; pass++)
            {
                long methods = System.Runtime.JitInfo.GetCompiledMethodCount();
                var jit = System.Runtime.JitInfo.GetCompilationTime();
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                int collections = GC.CollectionCount(0);
                long allocated = GC.GetTotalAllocatedBytes();
                var clock = Stopwatch.StartNew();
                var scored = model.Transform(data);
                using var cursor = scored.GetRowCursor(new[] { scored.Schema["Score"] });
                var getter = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
                VBuffer<float> score = default;
                float sum = 0;
                while (cursor.MoveNext())
                {
                    getter(ref score);
                    sum += score.GetValues()[0];
                }
                result[pass] = count / clock.Elapsed.TotalSeconds;
                Log($"pass {pass + 1}: {clock.Elapsed.TotalMilliseconds:F1} ms, cpu {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds:F0} ms, {System.Runtime.JitInfo.GetCompiledMethodCount() - methods} methods compiled "
                    + $"in {(System.Runtime.JitInfo.GetCompilationTime() - jit).TotalMilliseconds:F1} ms (this thread's and others'), "
                    + $"{(GC.GetTotalAllocatedBytes() - allocated) / 1024} KiB allocated, {GC.CollectionCount(0) - collections} gen0 collections");
                if (float.IsNaN(sum))
                    throw new InvalidOperationException("NaN score");
            }
            return result;
        }

        /// <summary>Reads every column of every row once.</summary>
        private static void Fill(IDataView data)
        {
            using var cursor = data.GetRowCursor(data.Schema);
            while (cursor.MoveNext())
            {
            }
        }

        private static string PassesRow(string name, double[] rates)
        {
            var later = rates.Skip(1).ToArray();
            double spread = (later.Max() - later.Min()) / later.Average();
            return $"| {name} | " + string.Join(" | ", rates.Select(r => $"{r:N0}")) + $" | {spread:P0} |";
        }

        private sealed class Prediction
        {
            public float[] Score;
        }

        private static string LatencyRow(string name, MLContext ml, ITransformer model, MnistCatalog.MnistImage[] rows)
        {
            var schema = SchemaDefinition.Create(typeof(MnistCatalog.MnistImage));
            schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, rows[0].Features.Length);
            using var engine = ml.Model.CreatePredictionEngine<MnistCatalog.MnistImage, Prediction>(model, inputSchemaDefinition: schema);
            var output = new Prediction();
            for (int i = 0; i < WarmUpRows; i++)
                engine.Predict(rows[i % rows.Length], ref output);
            var micros = new double[rows.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                long start = Stopwatch.GetTimestamp();
                engine.Predict(rows[i], ref output);
                micros[i] = (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency;
            }
            Array.Sort(micros);
            return $"| {name} | {micros[micros.Length / 2]:F1} | {micros[(int)(micros.Length * 0.99)]:F1} | {micros[^1]:F1} |";
        }

        private static void Log(string message) => Console.WriteLine($"[scoring] {message}");
    }
}
