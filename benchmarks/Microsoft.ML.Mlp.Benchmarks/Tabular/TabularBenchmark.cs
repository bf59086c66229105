using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace Microsoft.ML.Mlp.Benchmarks.Tabular
{
    /// <summary>
    /// The <c>tabular</c> mode (issue 17): on each data set of the suite, the Mlp over several seeds beside LightGbm, FastTree,
    /// the linear trainer, and voting and stacking of Mlp + LightGbm, all on the same featurisation; fit on train, scored on
    /// test, every fit timed. Progress goes to stderr as each fit ends; the Markdown table to stdout (and <c>--out</c>).
    /// </summary>
    public static class TabularBenchmark
    {
        public static int Run(TabularOptions options)
        {
            string folder;
            IReadOnlyList<TabularDataset> datasets;
            try
            {
                folder = TabularSuite.Folder(options.DataDirectory);
                datasets = TabularSuite.Read(folder, options.Datasets);
            }
            catch (Exception e) when (e is IOException or ArgumentException or FormatException)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }

            Console.Error.WriteLine($"tabular: {datasets.Count} data set(s) from {folder}; {options.Describe()}");
            var total = Stopwatch.StartNew();
            var results = new List<TabularResult>();
            foreach (var dataset in datasets)
            {
                Console.Error.WriteLine($"[{results.Count + 1}/{datasets.Count}] {dataset.Name}: {dataset.Task}, {dataset.Rows} rows, {dataset.Features} features");
                results.Add(RunDataset(dataset, folder, options, warmUp: results.Count == 0));
            }

            string table = TabularTable.Render(results, options, total.Elapsed);
            Console.WriteLine(table);
            if (options.OutputFile != null)
                File.WriteAllText(options.OutputFile, table);
            Console.Error.WriteLine($"tabular: done in {total.Elapsed.TotalMinutes:F1} min");
            return 0;
        }

        private static TabularResult RunDataset(TabularDataset dataset, string folder, TabularOptions options, bool warmUp)
        {
            // A fresh context per data set: its seeds do not depend on which data sets ran before.
            var ml = new MLContext(seed: 0);
            if (Environment.GetEnvironmentVariable("MLP_BENCH_LOG") == "1")
                ml.Log += (_, e) => { if (e.Message.Contains("held-out loss") || e.Message.Contains("best epoch")) Console.Error.WriteLine("    " + e.Message); };
            var trainers = new TaskTrainers(ml, dataset.Task, options.Settings);
            var result = new TabularResult(dataset, trainers.Metric);
            IDataView train, test;
            try
            {
                (train, test) = TabularData.Load(ml, dataset, folder);
            }
            catch (Exception e)
            {
                Fail(result, "loading", e);
                return result;
            }
            if (warmUp)
                WarmUp(ml, trainers, train);

            TabularFit Measure(string name, Func<IEstimator<ITransformer>> trainer, Func<ITransformer, IEstimator<ITransformer>> refit = null)
            {
                try
                {
                    var estimator = trainer();
                    var clock = Stopwatch.StartNew();
                    var model = estimator.Fit(train);
                    if (refit != null)
                    {
                        Console.Error.WriteLine($"  {dataset.Name} {name} (held out): {trainers.Metric} {trainers.Evaluate(model.Transform(test)):F4}");
                        model = refit(model).Fit(train); // timed with the first fit: a refit costs both
                    }
                    double seconds = clock.Elapsed.TotalSeconds;
                    double score = trainers.Evaluate(model.Transform(test));
                    Console.Error.WriteLine($"  {dataset.Name} {name}{(refit != null ? " (refit)" : "")}: {trainers.Metric} {score:F4}, fit {seconds:F2} s");
                    return new TabularFit(score, seconds);
                }
                catch (Exception e)
                {
                    Fail(result, name, e);
                    return null;
                }
            }

            void Other(string name, Func<IEstimator<ITransformer>> trainer)
            {
                if (Measure(name, trainer) is TabularFit fit)
                    result.Others[name] = fit;
            }

            for (int seed = 0; seed < options.Seeds; seed++)
            {
                int s = seed;
                if (Measure($"Mlp seed {s}", () => trainers.Mlp(s), options.Refit ? first => trainers.MlpRefitOf(first, s) : null) is TabularFit fit)
                    result.Mlp.Add(fit);
            }
            Other(TabularResult.LightGbm, trainers.LightGbm);
            if (!options.MlpOnly)
                Other(TabularResult.FastTree, trainers.FastTree);
            Other(TabularResult.Linear, trainers.Linear);
            if (!options.MlpOnly)
            {
                // The ensembles' Mlp member is seed 0's, the first row of the Mlp mean.
                Other(TabularResult.Voting, () => trainers.Voting(new[] { trainers.Mlp(0), trainers.LightGbm() }));
                Other(TabularResult.Stacking, () => trainers.Stacking(new[] { trainers.Mlp(0), trainers.LightGbm() }));
            }
            return result;
        }

        /// <summary>An untimed fit of the Mlp and LightGbm on a few rows, so the first timed fit does not pay for loading
        /// libtorch and LightGbm or for JIT.</summary>
        private static void WarmUp(MLContext ml, TaskTrainers trainers, IDataView train)
        {
            var few = ml.Data.TakeRows(train, 256);
            foreach (var trainer in new[] { trainers.Mlp(0), trainers.LightGbm() })
            {
                try
                {
                    trainer.Fit(few);
                }
                catch (Exception)
                {
                    // Only a warm-up: a real failure shows in the timed fits.
                }
            }
        }

        private static void Fail(TabularResult result, string what, Exception e)
        {
            var inner = e;
            while (inner.InnerException != null && (inner is AggregateException || inner is System.Reflection.TargetInvocationException))
                inner = inner.InnerException;
            string why = $"{inner.GetType().Name}: {inner.Message.Split('\n')[0]}";
            result.Failures.Add($"{what}: {why}");
            Console.Error.WriteLine($"  {result.Dataset.Name} {what}: FAILED, {why}");
        }
    }
}
