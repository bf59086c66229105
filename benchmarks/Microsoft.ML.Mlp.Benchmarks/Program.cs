using System;
using System.Linq;
using BenchmarkDotNet.Running;
using Microsoft.ML.Mlp.Benchmarks.Micro;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>
    /// Entry point. Default: the side-by-side run (this library vs the PyTorch reference) printing one table.
    /// <c>micro [BenchmarkDotNet args]</c>: the BenchmarkDotNet micro-benchmarks instead.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "micro")
            {
                // In-process toolchain (see MicroConfig): BDN's usual per-benchmark project rebuild would lose
                // the Debian 12 TorchSharp fix that our build applies to the output folder.
                BenchmarkSwitcher.FromTypes(new[] { typeof(TrainingStepBenchmarks), typeof(ScoringBenchmarks) })
                    .Run(args.Skip(1).ToArray(), new MicroConfig());
                return 0;
            }

            HarnessOptions options;
            try
            {
                options = HarnessOptions.Parse(args);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(HarnessOptions.Usage);
                return 2;
            }
            if (options.ShowHelp)
            {
                Console.WriteLine(HarnessOptions.Usage);
                return 0;
            }
            return SideBySide.Run(options);
        }
    }
}
