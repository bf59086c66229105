using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Benchmarks.Text
{
    /// <summary>
    /// The <c>dense-stream</c> mode: Mlp for N epochs on rows generated lazily (3,000,000 × 200 by default) in a child
    /// process whose managed heap is capped (DOTNET_GCHeapHardLimit). Until the trainer streams mini-batches from
    /// the cursor it copies every row first, so running out of memory is an expected outcome: it is reported, not fatal.
    /// </summary>
    public static class DenseStreamBenchmark
    {
        private const int TestRows = 20_000;

        public static int Run(TextHarnessOptions options)
        {
            double dataMiB = (double)options.Rows * options.Features * sizeof(float) / (1024 * 1024);
            Console.WriteLine($"Dense stream: {options.Rows:N0} × {options.Features} rows generated lazily ({dataMiB:N0} MiB if materialised), "
                + $"Mlp hidden {options.Hidden}, {options.Epochs} epoch(s), managed heap limit {(options.HeapLimitMiB == 0 ? "none" : $"{options.HeapLimitMiB:N0} MiB")}");
            var environment = new Dictionary<string, string>();
            if (options.HeapLimitMiB > 0)
                environment["DOTNET_GCHeapHardLimit"] = ((long)options.HeapLimitMiB << 20).ToString("X", CultureInfo.InvariantCulture);
            var outcome = ChildRun.Run(options.ChildArguments("dense-stream-run", "Mlp"), environment);

            Console.WriteLine();
            Console.WriteLine("| rows × features | heap limit, MiB | fit time, s | rows/s | peak memory, MiB | accuracy | status |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
            double? fit = outcome.Number("fit_seconds");
            Console.WriteLine($"| {options.Rows:N0} × {options.Features} | {(options.HeapLimitMiB == 0 ? "none" : options.HeapLimitMiB.ToString("N0", CultureInfo.InvariantCulture))} "
                + $"| {Format(fit, "F1")} | {Format(fit is double s ? options.Rows * (double)options.Epochs / s : null, "N0")} "
                + $"| {Format(outcome.Number("peak_mib"), "N0")} | {Format(outcome.Number("accuracy"), "F3")} | {outcome.Status} |");
            Console.WriteLine();
            Console.WriteLine($"Peak memory: the process's peak resident set (VmHWM, native included). Accuracy: {TestRows:N0} further generated rows. "
                + $"Whole child run: {outcome.WallSeconds:F1} s.");
            return 0;
        }

        /// <summary>The child side: fit, then report (or report how it failed).</summary>
        public static int RunChild(TextHarnessOptions options)
        {
            var ml = new MLContext(seed: options.Seed);
            var train = DenseStreamData.Load(ml, 0, options.Rows, options.Features, options.Seed);
            var test = DenseStreamData.Load(ml, options.Rows, TestRows, options.Features, options.Seed);
            var mlp = new MlpMulticlassTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = new[] { options.Hidden },
                NumberOfEpochs = options.Epochs,
                Seed = options.Seed,
                EpochCallback = m => Console.WriteLine($"epoch {m.Epoch}: loss {m.TrainingLoss:F4}, accuracy {m.TrainingAccuracy:P2}, {m.Duration.TotalSeconds:F1} s"),
            };
            var clock = Stopwatch.StartNew();
            try
            {
                var model = ml.MulticlassClassification.Trainers.Mlp(mlp).Fit(train);
                double fitSeconds = clock.Elapsed.TotalSeconds;
                ChildRun.Report(new
                {
                    status = "ok",
                    fit_seconds = fitSeconds,
                    peak_mib = ProcessMemory.PeakMiB(),
                    accuracy = ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy,
                });
                model.Model.Dispose();
            }
            catch (Exception e) when (e is OutOfMemoryException or InvalidOperationException)
            {
                ChildRun.Report(new
                {
                    status = $"failed after {clock.Elapsed.TotalSeconds:F1} s: {e.GetType().Name}: {TextTrainerRun.FirstSentence(e.Message)}",
                    peak_mib = ProcessMemory.PeakMiB(),
                });
            }
            return 0;
        }

        private static string Format(double? value, string format) =>
            value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
    }
}
