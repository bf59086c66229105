using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>The default run: this library first, then the PyTorch reference, one after the other (never
    /// concurrently: both are 1-thread runs on a 2-core machine), then one comparison table.</summary>
    public static class SideBySide
    {
        public static int Run(HarnessOptions options)
        {
            Console.WriteLine($"Machine: {CpuModel()}, {Environment.ProcessorCount} logical CPUs, {Environment.OSVersion}");
            Console.WriteLine($"Data: {options.DataDirectory}, {options.Epochs} epoch(s), batch 32, 1 thread");
            var ours = MlpMeasurement.Run(options.DataDirectory, options.Epochs, options.Threads);
            IReadOnlyList<Figures> reference = options.SkipReference
                ? Array.Empty<Figures>()
                : ReferenceRunner.Run(options.ReferenceScript, options.DataDirectory, options.Epochs);

            Console.WriteLine();
            Console.WriteLine(ComparisonTable.Render(ours, reference));
            return 0;
        }

        /// <summary>lscpu's "Model name", read from /proc/cpuinfo.</summary>
        internal static string CpuModel()
        {
            const string cpuinfo = "/proc/cpuinfo";
            var line = File.Exists(cpuinfo) ? File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name")) : null;
            return line == null ? "unknown CPU" : line.Substring(line.IndexOf(':') + 1).Trim();
        }
    }
}
