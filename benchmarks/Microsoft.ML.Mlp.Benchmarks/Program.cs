using System;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Running;
using Microsoft.ML.Mlp.Benchmarks.Micro;
using Microsoft.ML.Mlp.Benchmarks.Tabular;
using Microsoft.ML.Mlp.Benchmarks.Text;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>
    /// Entry point. Default: the side-by-side run (this library vs the PyTorch reference) printing one table.
    /// <c>micro [BenchmarkDotNet args]</c>: the BenchmarkDotNet micro-benchmarks instead. <c>text</c>, <c>dense-stream</c>
    /// and <c>load</c>: issue 10's wide-sparse, larger-than-memory and loading-speed cases. <c>onnx</c>: bulk scoring with
    /// <c>PredictBatch</c> beside ONNX Runtime on the exported graph (issue 12). <c>tasks</c>: binary, multiclass and regression
    /// quality of the Mlp and the voting and stacking ensembles beside ML.NET's trainers (issue 11). <c>tabular</c>: the same
    /// comparison on the 16 real data sets of shared/tabular-suite, with switches for tuning the Mlp defaults (issue 17). <c>explain</c>:
    /// integrated gradients' rows/s for the seed model beside scoring the same rows (issue 18).
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            // Tables and the trainer's log lines (parsed by ReaderLog) in invariant number formats on any machine.
            CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            string mode = args.Length > 0 && !args[0].StartsWith("-") ? args[0] : null;
            var rest = mode == null ? args : args.Skip(1).ToArray();
            if (mode == "micro")
            {
                // In-process toolchain (see MicroConfig): BDN's usual per-benchmark project rebuild would lose
                // the Debian 12 TorchSharp fix that our build applies to the output folder.
                BenchmarkSwitcher.FromTypes(new[] { typeof(TrainingStepBenchmarks), typeof(ScoringBenchmarks) })
                    .Run(rest, new MicroConfig());
                return 0;
            }

            Func<int> run;
            try
            {
                run = mode switch
                {
                    "text" => Text(TextBenchmark.Run, rest, denseStream: false),
                    "text-run" => Text(TextTrainerRun.Run, rest, denseStream: false),
                    "dense-stream" => Text(DenseStreamBenchmark.Run, rest, denseStream: true),
                    "dense-stream-run" => Text(DenseStreamBenchmark.RunChild, rest, denseStream: true),
                    "tasks" => TaskQuality.Run,
                    "tabular" => Tabular(rest),
                    null or "load" or "onnx" or "explain" or "scoring" or "first-fit" or "ensemble-orders" => Harness(mode, HarnessOptions.Parse(rest)),
                    _ => throw new ArgumentException($"Unknown mode '{mode}'."),
                };
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(HarnessOptions.Usage);
                Console.Error.WriteLine(TextHarnessOptions.Usage);
                Console.Error.WriteLine(TabularOptions.Usage);
                return 2;
            }
            return run();
        }

        private static Func<int> Text(Func<TextHarnessOptions, int> mode, string[] args, bool denseStream)
        {
            var options = TextHarnessOptions.Parse(args, denseStream);
            return () => mode(options);
        }

        private static Func<int> Tabular(string[] args)
        {
            var options = TabularOptions.Parse(args);
            return () => TabularBenchmark.Run(options);
        }

        private static Func<int> Harness(string mode, HarnessOptions options)
        {
            if (options.ShowHelp)
                return () =>
                {
                    Console.WriteLine(HarnessOptions.Usage);
                    Console.WriteLine(TextHarnessOptions.Usage);
                    Console.WriteLine(TabularOptions.Usage);
                    return 0;
                };
            return mode switch
            {
                "load" => () => LoadMeasurement.Run(options.DataDirectory),
                "onnx" => () => OnnxScoringMeasurement.Run(options),
                "explain" => () => ExplainMeasurement.Run(options),
                "scoring" => () => ScoringPassesMeasurement.Run(options),
                "first-fit" => () => FirstFitMeasurement.Run(options),
                "ensemble-orders" => () => EnsembleOrderMeasurement.Run(options),
                _ => () => SideBySide.Run(options),
            };
        }
    }
}
