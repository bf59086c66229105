using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>Measures this library on the seed recipe: training, batch scoring, single-row latency, load time, memory.</summary>
    public static class MlpMeasurement
    {
        public static Figures Run(string dataDirectory, int epochs, int threads = 1)
        {
            var ml = new MLContext(seed: 0);
            var idxClock = Stopwatch.StartNew();
            var (train, test) = Datasets.LoadIdxFolder(ml, dataDirectory); // eager: gunzip + rows in memory
            double idxSeconds = idxClock.Elapsed.TotalSeconds;
            var keyMap = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
            var trainKeyed = keyMap.Transform(train);

            // Warm-up on a few rows: JIT and libtorch start-up must not count as "load" or as epoch time.
            using (ml.MulticlassClassification.Trainers.Mlp(Datasets.SeedOptions(1))
                .Fit(ml.Data.TakeRows(trainKeyed, 256)).Model) { }

            Log($"training {epochs} epoch(s) on {dataDirectory}, 1 thread, batch 32 …");
            var options = Datasets.SeedOptions(epochs);
            options.NumberOfThreads = threads;
            options.EpochCallback = m => Log($"  {m}");
            var reader = ReaderLog.Attach(ml);
            var clock = Stopwatch.StartNew();
            var model = ml.MulticlassClassification.Trainers.Mlp(options).Fit(trainKeyed);
            double fitSeconds = clock.Elapsed.TotalSeconds;
            double peakMiB = ProcessMemory.PeakMiB(); // peak *for training*, before scoring
            double managedMiB = GC.GetTotalMemory(forceFullCollection: false) / (1024.0 * 1024.0); // the IDataView rows live here
            var epochSeconds = model.Model.TrainingHistory.Select(h => h.Duration.TotalSeconds).ToArray();
            // Everything in the fit that is not an epoch: IDataView → dense training memory, plus network setup.
            double loadSeconds = fitSeconds - epochSeconds.Sum();

            double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(keyMap.Transform(test))).MicroAccuracy;
            double rowsPerSecond = BatchScoringRowsPerSecond(model, test, passes: 3);
            double batchApiRowsPerSecond = PredictBatchRowsPerSecond(ml, model.Model, test, passes: 3);
            var (p50, p99) = PredictionEngineLatency(ml, model, test);
            var testKeyed = keyMap.Transform(test);
            var (ensemble, ensembleAccuracy) = MeasureEnsemble(ml, trainKeyed, testKeyed, epochs, threads, sharedBatchOrder: false);
            var (shared, sharedAccuracy) = MeasureEnsemble(ml, trainKeyed, testKeyed, epochs, threads, sharedBatchOrder: true);
            model.Model.Dispose();

            return new Figures
            {
                Name = "Microsoft.ML.Mlp",
                EpochSeconds = epochSeconds,
                Accuracy = accuracy,
                ScoringRowsPerSecond = rowsPerSecond,
                BatchApiRowsPerSecond = batchApiRowsPerSecond,
                SingleRowP50Microseconds = p50,
                SingleRowP99Microseconds = p99,
                LoadSeconds = loadSeconds,
                ReaderSeconds = reader.Seconds,
                PeakMemoryMiB = peakMiB,
                EnsembleEpochSeconds = ensemble,
                EnsembleAccuracy = ensembleAccuracy,
                SharedOrderEnsembleEpochSeconds = shared,
                SharedOrderEnsembleAccuracy = sharedAccuracy,
                Detail = $".NET {Environment.Version}; IDX files → IDataView {idxSeconds:F2} s (before the fit); "
                    + $"fit {fitSeconds:F2} s = epochs {epochSeconds.Sum():F2} s + load/setup {loadSeconds:F2} s; managed heap after fit {managedMiB:N0} MiB",
            };
        }

        /// <summary>Mean epoch wall time and test accuracy of the seed recipe as a 5-member SoftVotingEnsemble (members trained
        /// fused), each member shuffling on its own or all reading the same batches (<see cref="MlpOptionsBase.SharedBatchOrder"/>).</summary>
        internal static (double Seconds, double Accuracy) MeasureEnsemble(MLContext ml, IDataView trainKeyed, IDataView testKeyed, int epochs, int threads,
            bool sharedBatchOrder, int seed = 0)
        {
            string order = sharedBatchOrder ? "shared batch order" : "independent order";
            Log($"training a 5-member SoftVotingEnsemble for {epochs} epoch(s), {order}, seed {seed} …");
            var options = Datasets.SeedOptions(epochs, seed);
            options.NumberOfThreads = threads;
            options.SharedBatchOrder = sharedBatchOrder;
            var transformer = ml.MulticlassClassification.Trainers.SoftVotingEnsemble(options, numberOfModels: 5).Fit(trainKeyed);
            var first = (MlpMulticlassModelParameters)transformer.Model.Members[0];
            double seconds = first.TrainingHistory.Average(h => h.Duration.TotalSeconds);
            double accuracy = ml.MulticlassClassification.Evaluate(transformer.Transform(testKeyed)).MicroAccuracy;
            Log($"  ensemble, {order}: {seconds:F2} s/epoch for 5 members, test accuracy {accuracy:P2}");
            transformer.Model.Dispose();
            return (seconds, accuracy);
        }

        /// <summary>Rows/s of <see cref="MlpMulticlassModelParameters.PredictBatch"/> over the whole test set in one call; best of several passes.</summary>
        private static double PredictBatchRowsPerSecond(MLContext ml, MlpMulticlassModelParameters model, IDataView test, int passes)
        {
            var features = ml.Data.CreateEnumerable<MnistCatalog.MnistImage>(test, reuseRowObject: false).SelectMany(r => r.Features).ToArray();
            int rows = features.Length / model.NumberOfFeatures;
            double best = double.MaxValue;
            for (int pass = 0; pass < passes; pass++)
            {
                var clock = Stopwatch.StartNew();
                model.PredictBatch(features, rows);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            return rows / best;
        }

        /// <summary>Rows/s of <c>model.Transform(test)</c> read through a cursor; best of several passes.</summary>
        private static double BatchScoringRowsPerSecond(ITransformer model, IDataView test, int passes)
        {
            var scored = model.Transform(test);
            var column = scored.Schema["Score"];
            double best = double.MaxValue;
            long rows = 0;
            for (int pass = 0; pass < passes; pass++)
            {
                var clock = Stopwatch.StartNew();
                rows = 0;
                using var cursor = scored.GetRowCursor(new[] { column });
                var getter = cursor.GetGetter<VBuffer<float>>(column);
                var score = default(VBuffer<float>);
                while (cursor.MoveNext())
                {
                    getter(ref score);
                    rows++;
                }
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            return rows / best;
        }

        /// <summary>p50/p99 of one <c>PredictionEngine.Predict</c> call over the test rows, in µs.</summary>
        private static (double P50, double P99) PredictionEngineLatency(MLContext ml, ITransformer model, IDataView test)
        {
            var rows = ml.Data.CreateEnumerable<MnistCatalog.MnistImage>(test, reuseRowObject: false).ToArray();
            var engine = ml.Model.CreatePredictionEngine<MnistCatalog.MnistImage, ScoreRow>(model,
                inputSchemaDefinition: MnistCatalog.ImageSchema(rows[0].Features.Length));
            var output = new ScoreRow();
            for (int i = 0; i < Math.Min(1000, rows.Length); i++)
                engine.Predict(rows[i], ref output); // warm-up
            var micros = new double[rows.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                long start = Stopwatch.GetTimestamp();
                engine.Predict(rows[i], ref output);
                micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
            Array.Sort(micros);
            return (micros[micros.Length / 2], micros[Math.Min(micros.Length - 1, (int)(micros.Length * 0.99))]);
        }

        private static void Log(string message) => Console.WriteLine($"[Microsoft.ML.Mlp] {message}");
    }
}
