using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using TextClassification;

namespace Microsoft.ML.Mlp.Benchmarks.Text
{
    /// <summary>
    /// The child side of the <c>text</c> mode: one trainer, in its own process, on the synthetic corpus.
    /// Fit time and peak memory cover <c>MapValueToKey → FeaturizeText → trainer</c> fitted on the training documents
    /// (already in memory as strings), which is what a user's <c>pipeline.Fit</c> costs.
    /// </summary>
    public static class TextTrainerRun
    {
        public static readonly string[] Trainers = { "SdcaMaximumEntropy", "LbfgsMaximumEntropy", "Mlp" };

        public static int Run(TextHarnessOptions options)
        {
            var ml = new MLContext(seed: options.Seed);
            if (Environment.GetEnvironmentVariable("MLP_BENCH_LOG") == "1") // the Mlp's own account (rows read, non-zeros, recipe) on stderr
                ml.Log += (_, e) => { if (e.Message.Contains("Source=Mlp")) Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} {ProcessMemory.CurrentMiB():N0} MiB now, {ProcessMemory.PeakMiB():N0} MiB peak: {e.Message}"); };
            int testDocuments = Math.Max(200, options.Documents / 5);
            var train = ml.Data.LoadFromEnumerable(SyntheticCorpus.Generate(0, options.Documents, options.Seed).ToArray());
            var test = ml.Data.LoadFromEnumerable(SyntheticCorpus.Generate(options.Documents, testDocuments, options.Seed).ToArray());
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.Transforms.Text.FeaturizeText("Features", nameof(TextDocument.Text)))
                .Append(Trainer(ml, options));

            GC.Collect();
            GC.WaitForPendingFinalizers();
            bool peakReset = ProcessMemory.ResetPeak();
            double before = ProcessMemory.CurrentMiB();
            var clock = Stopwatch.StartNew();
            try
            {
                var model = pipeline.Fit(train);
                double fitSeconds = clock.Elapsed.TotalSeconds;
                double peak = ProcessMemory.PeakMiB() - (peakReset ? before : 0);
                var scored = model.Transform(test);
                ChildRun.Report(new
                {
                    status = "ok",
                    trainer = options.Trainer,
                    fit_seconds = fitSeconds,
                    peak_mib = peak,
                    accuracy = ml.MulticlassClassification.Evaluate(scored).MicroAccuracy,
                    slots = ((VectorDataViewType)scored.Schema["Features"].Type).Size,
                    test_documents = testDocuments,
                });
                return 0;
            }
            catch (Exception e) when (e is OutOfMemoryException or InvalidOperationException or ArgumentOutOfRangeException)
            {
                // What a user would see: report it as this trainer's result instead of losing the whole table.
                ChildRun.Report(new
                {
                    status = $"failed after {clock.Elapsed.TotalSeconds:F1} s: {e.GetType().Name}: {FirstSentence(e.Message)}",
                    trainer = options.Trainer,
                    peak_mib = ProcessMemory.PeakMiB() - (peakReset ? before : 0),
                });
                return 0;
            }
        }

        private static IEstimator<ITransformer> Trainer(MLContext ml, TextHarnessOptions options) => options.Trainer switch
        {
            "SdcaMaximumEntropy" => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(),
            "LbfgsMaximumEntropy" => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(),
            "Mlp" => ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = new[] { options.Hidden },
                NumberOfEpochs = options.Epochs,
                NumberOfThreads = options.Threads,
                Seed = options.Seed,
            }),
            _ => throw new ArgumentException($"--trainer must be one of {string.Join(", ", Trainers)}, got '{options.Trainer}'."),
        };

        internal static string FirstSentence(string message)
        {
            int end = message.IndexOf(". ", StringComparison.Ordinal);
            return end < 0 ? message : message.Substring(0, end + 1);
        }
    }
}
