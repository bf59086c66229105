using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>
    /// The <c>first-fit</c> mode (issue 19): in a process that has not trained yet, the seed model's first Fit (1 epoch on
    /// the first rows of the training set) against the same Fit twice more; the difference is what a process's first fit pays
    /// once (libtorch's load, JIT). Run it as its own process: a second run in the same process measures nothing.
    /// </summary>
    public static class FirstFitMeasurement
    {
        public static int Run(HarnessOptions options)
        {
            var process = Stopwatch.StartNew();
            var ml = new MLContext(seed: 0);
            var seed = Datasets.SeedOptions(1);
            seed.NumberOfThreads = options.Threads;
            // The order of an application that builds its pipeline before reading the data (--estimator-first), or after.
            var early = options.EstimatorFirst ? ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(seed)) : null;
            var (train, _) = Datasets.LoadIdxFolder(ml, options.DataDirectory);
            var rows = ml.Data.Cache(ml.Data.TakeRows(train, 10_000));
            // Every row read into the cache before any timing (Preview(1) read one: the first Fit then also paid for filling
            // the cache from the IDX files, which the later fits did not).
            using (var cursor = rows.GetRowCursor(rows.Schema))
                while (cursor.MoveNext())
                {
                }
            double loading = process.Elapsed.TotalSeconds;
            var pipeline = early ?? ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(seed));
            var times = new double[3];
            for (int i = 0; i < times.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                using var model = (IDisposable)pipeline.Fit(rows).LastTransformer.Model;
                times[i] = clock.Elapsed.TotalSeconds;
            }
            Console.WriteLine($"| seed model, 1 epoch on 10,000 Fashion rows, {options.Threads} thread(s), estimator built {(options.EstimatorFirst ? "before" : "after")} reading the data | seconds |");
            Console.WriteLine("|---|---:|");
            Console.WriteLine($"| process start → data read (not counted) | {loading:F2} |");
            Console.WriteLine($"| first Fit in the process | {times[0]:F2} |");
            Console.WriteLine($"| second Fit | {times[1]:F2} |");
            Console.WriteLine($"| third Fit | {times[2]:F2} |");
            Console.WriteLine($"| first-fit overhead (first − mean of the later two) | {times[0] - times.Skip(1).Average():F2} |");
            return 0;
        }
    }
}
