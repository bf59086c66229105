using System;
using System.Linq;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>
    /// Issue 19's two batch orders of a 5-member SoftVotingEnsemble of the seed model on Fashion-MNIST, over several base
    /// seeds: seconds per epoch and test accuracy, independent order (each member shuffles on its own) beside
    /// SharedBatchOrder, the two alternating so that a slow spell of the machine hits both.
    /// </summary>
    public static class EnsembleOrderMeasurement
    {
        public static int Run(HarnessOptions options)
        {
            var ml = new MLContext(seed: 0);
            var (train, test) = Datasets.LoadIdxFolder(ml, options.DataDirectory);
            var keyMap = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
            var trainKeyed = keyMap.Transform(train);
            var testKeyed = keyMap.Transform(test);
            Console.WriteLine($"Machine: {SideBySide.CpuModel()}; {options.Epochs} epoch(s), {options.Seeds} seed(s), {options.Threads} thread(s)");
            var results = new (double Seconds, double Accuracy)[2][];
            for (int order = 0; order < 2; order++)
                results[order] = new (double, double)[options.Seeds];
            for (int seed = 0; seed < options.Seeds; seed++)
                for (int order = Environment.GetEnvironmentVariable("ONLYSHARED") == "1" ? 1 : 0; order < 2; order++)
                    results[order][seed] = MlpMeasurement.MeasureEnsemble(ml, trainKeyed, testKeyed, options.Epochs, options.Threads, sharedBatchOrder: order == 1, seed);

            Console.WriteLine();
            Console.WriteLine("| order | s/epoch (mean ± sd) | test accuracy (mean ± sd) | per seed |");
            Console.WriteLine("|---|---:|---:|---|");
            for (int order = 0; order < 2; order++)
            {
                var r = results[order];
                Console.WriteLine($"| {(order == 0 ? "independent" : "shared batch order")} | {Mean(r.Select(x => x.Seconds)):F2} ± {Sd(r.Select(x => x.Seconds)):F2} "
                    + $"| {Mean(r.Select(x => x.Accuracy)):P2} ± {Sd(r.Select(x => x.Accuracy)) * 100:F2} | "
                    + string.Join(", ", r.Select(x => $"{x.Accuracy:P2} / {x.Seconds:F2} s")) + " |");
            }
            double gap = Mean(results[1].Select(x => x.Accuracy)) - Mean(results[0].Select(x => x.Accuracy));
            Console.WriteLine($"Shared − independent: {gap * 100:+0.00;-0.00} points of accuracy; time {Mean(results[1].Select(x => x.Seconds)) / Mean(results[0].Select(x => x.Seconds)):F2}×.");
            return 0;
        }

        private static double Mean(System.Collections.Generic.IEnumerable<double> values) => values.Average();

        private static double Sd(System.Collections.Generic.IEnumerable<double> values)
        {
            var v = values.ToArray();
            double mean = v.Average();
            return v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        }
    }
}
