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

            var (floor, gflop) = GemmFloor.SeedModelEpoch();
            Console.WriteLine();
            Console.WriteLine(ComparisonTable.Render(ours, reference));
            var openBlas = reference.FirstOrDefault(f => f.Name.Contains("OpenBLAS"));
            Console.WriteLine($"GEMM floor of one seed-model epoch on this machine (1 thread, libtorch's own products at each shape, {gflop:F1} GFLOP): {floor:F3} s/epoch.");
            if (ours.MeanEpochSeconds is double one)
                Console.WriteLine($"- 1 model: {one:F2} s/epoch = {one / floor:F2}× floor" + (openBlas?.MeanEpochSeconds is double p ? $", {one / p:F2}× PyTorch+OpenBLAS" : ""));
            if (ours.EnsembleEpochSeconds is double five)
                Console.WriteLine($"- 5-member ensemble, independent order: {five:F2} s/epoch = {five / (5 * floor):F2}× five members' floor" + (openBlas?.MeanEpochSeconds is double q ? $", {five / q:F2}× PyTorch+OpenBLAS single" : ""));
            if (ours.SharedOrderEnsembleEpochSeconds is double shared)
                Console.WriteLine($"- 5-member ensemble, shared batch order: {shared:F2} s/epoch = {shared / (5 * floor):F2}× five members' floor" + (openBlas?.MeanEpochSeconds is double q ? $", {shared / q:F2}× PyTorch+OpenBLAS single" : ""));
            if (ours.EnsembleAccuracy is double independentAccuracy && ours.SharedOrderEnsembleAccuracy is double sharedAccuracy)
                Console.WriteLine($"- ensemble test accuracy: independent {independentAccuracy:P2}, shared {sharedAccuracy:P2} ({(sharedAccuracy - independentAccuracy) * 100:+0.00;-0.00} points)");
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
