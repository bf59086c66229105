using System;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>
    /// The <c>load</c> mode (issue 10 item 4): IDataView → training memory for the 60,000 × 784 Fashion-MNIST rows, next to
    /// a plain memcpy of the same bytes and to the IDataView's own cursor cost. Order matters on a VM where first-touch
    /// page faults dominate: the trainer reads first, into memory this process has not used before, like a real fit.
    /// </summary>
    public static class LoadMeasurement
    {
        public static int Run(string dataDirectory)
        {
            var ml = new MLContext(seed: 0);
            var (train, _) = Datasets.LoadIdxFolder(ml, dataDirectory);
            var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train).Transform(train);
            var reader = ReaderLog.Attach(ml);
            // Warm-up on a few rows so the reader's code is jitted, as it is for the main fit of the side-by-side run.
            Read(ml, ml.Data.TakeRows(keyed, 512));

            Read(ml, keyed);
            double? first = reader.Seconds;
            // The first read's arrays are garbage now; after a full collection the second read may get that memory back.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Read(ml, keyed);
            double? second = reader.Seconds;
            double bytes = reader.Bytes;
            double cursor = CursorSeconds(keyed);
            var (fresh, warm) = MemcpySeconds((long)(bytes / sizeof(float)));

            Console.WriteLine();
            Console.WriteLine($"IDataView → training memory, {dataDirectory} (60,000 × 784 floats + labels = {bytes / 1e6:F1} MB):");
            Console.WriteLine();
            Console.WriteLine("| step | s | GB/s | goal |");
            Console.WriteLine("|---|---:|---:|---|");
            Row("memcpy of the same bytes into new memory (first touch)", fresh, bytes, "");
            Row("memcpy of the same bytes into memory already touched", warm, bytes, "");
            Row("IDataView cursor + getters alone (the source's own cost)", cursor, bytes, "");
            Row("Mlp reader: IDataView → training memory (first read in the process)", first, bytes, "≤ 0.25 s");
            Row("Mlp reader, second read after a full GC (memory may be reused)", second, bytes, "");
            return 0;
        }

        /// <summary>A 1-epoch logistic-regression fit: its reader is the one measured; its training is nearly free.</summary>
        private static void Read(MLContext ml, IDataView data)
        {
            var options = new MlpMulticlassTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = Array.Empty<int>(), NumberOfEpochs = 1, BatchSize = 4096, Seed = 0 };
            ml.MulticlassClassification.Trainers.Mlp(options).Fit(data).Model.Dispose();
        }

        private static double CursorSeconds(IDataView data)
        {
            var features = data.Schema["Features"];
            var label = data.Schema["Label"];
            var clock = Stopwatch.StartNew();
            using var cursor = data.GetRowCursor(new[] { features, label });
            var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
            var getLabel = cursor.GetGetter<uint>(label);
            VBuffer<float> row = default;
            uint key = 0;
            while (cursor.MoveNext())
            {
                getFeatures(ref row);
                getLabel(ref key);
            }
            return clock.Elapsed.TotalSeconds;
        }

        private static (double Fresh, double Warm) MemcpySeconds(long floats)
        {
            var source = GC.AllocateUninitializedArray<float>((int)floats);
            source.AsSpan().Fill(0.5f);
            var clock = Stopwatch.StartNew();
            var destination = GC.AllocateUninitializedArray<float>((int)floats);
            source.AsSpan().CopyTo(destination);
            double fresh = clock.Elapsed.TotalSeconds;
            clock.Restart();
            source.AsSpan().CopyTo(destination);
            return (fresh, clock.Elapsed.TotalSeconds);
        }

        private static void Row(string step, double? seconds, double bytes, string goal) =>
            Console.WriteLine($"| {step} | {(seconds is double s ? s.ToString("F3") : "–")} | {(seconds is double t ? (bytes / t / 1e9).ToString("F2") : "–")} | {goal} |");
    }
}
