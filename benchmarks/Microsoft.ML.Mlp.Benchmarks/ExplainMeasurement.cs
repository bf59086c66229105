using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>
    /// The <c>explain</c> mode (issue 18): the seed model trained briefly, then integrated gradients at 32 steps for test rows,
    /// as rows/s — in bulk (<see cref="IntegratedGradientsTransformer.ExplainBatch"/>: every step of a chunk of rows as one
    /// matrix product per layer) and row by row through the pipeline — beside scoring the same rows (<c>PredictBatch</c> and the
    /// pipeline). Best of several passes, libtorch on <c>--threads</c> threads (default 1). Also prints how closely the
    /// attributions sum to f(x) − f(baseline), so a fast but wrong path cannot pass unnoticed.
    /// </summary>
    public static class ExplainMeasurement
    {
        private const int Passes = 3;
        private const int Steps = 32;

        public static int Run(HarnessOptions options)
        {
            var ml = new MLContext(seed: 0);
            var (train, test) = Datasets.LoadIdxFolder(ml, options.DataDirectory);
            Log($"training the seed model for {options.Epochs} epoch(s) on {options.DataDirectory} …");
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(Datasets.SeedOptions(options.Epochs)));
            var model = pipeline.Fit(train);
            TorchSharp.torch.set_num_threads(options.Threads);
            var mlp = model.LastTransformer;
            var rows = ml.Data.CreateEnumerable<MnistCatalog.MnistImage>(test, reuseRowObject: false).Take(options.Rows).ToArray();
            var data = ml.Data.LoadFromEnumerable(rows, MnistCatalog.ImageSchema());
            var features = rows.SelectMany(r => r.Features).ToArray();
            var explainer = ml.Transforms.CalculateIntegratedGradients(mlp, steps: Steps).Fit(data);
            Log($"{rows.Length:N0} rows, {Steps} steps, {options.Threads} libtorch thread(s), best of {Passes} passes");

            double scoreBatch = Best(() => mlp.Model.PredictBatch(features, rows.Length));
            double scorePipeline = Best(() => Consume(mlp.Transform(data), "Score"));
            float[] attributions = null;
            double explainBatch = Best(() => attributions = explainer.ExplainBatch(features, rows.Length));
            double explainPipeline = Best(() => Consume(explainer.Transform(data), "FeatureContributions"));

            Console.WriteLine();
            Console.WriteLine($"| seed model 784→50×4→10, {rows.Length:N0} Fashion-MNIST test rows, {options.Threads} thread(s) | rows/s | µs/row |");
            Console.WriteLine("|---|---:|---:|");
            Row($"integrated gradients, {Steps} steps, `ExplainBatch`", rows.Length, explainBatch);
            Row($"integrated gradients, {Steps} steps, pipeline (`Transform`, row by row)", rows.Length, explainPipeline);
            Row("scoring, `PredictBatch`", rows.Length, scoreBatch);
            Row("scoring, pipeline (`Transform`, row by row)", rows.Length, scorePipeline);
            Console.WriteLine($"completeness at {Steps} steps: Σ|Σ attributions − (f(x) − f(baseline))| / Σ|f(x) − f(baseline)| = {Completeness(mlp.Model, explainer, features, attributions):P2}");
            return 0;
        }

        private static void Row(string what, int rows, double seconds) =>
            Console.WriteLine($"| {what} | {rows / seconds:N0} | {seconds * 1e6 / rows:N1} |");

        /// <summary>Reads every value of <paramref name="column"/> (what makes a lazy pipeline compute).</summary>
        private static void Consume(IDataView data, string column)
        {
            using var cursor = data.GetRowCursor(new[] { data.Schema[column] });
            var getter = cursor.GetGetter<VBuffer<float>>(data.Schema[column]);
            VBuffer<float> value = default;
            while (cursor.MoveNext())
                getter(ref value);
        }

        /// <summary>The predicted class's probability change against the sum of its attributions, over all rows.</summary>
        private static double Completeness(MlpMulticlassModelParameters model, IntegratedGradientsTransformer explainer, float[] features, float[] attributions)
        {
            int width = model.NumberOfFeatures, classes = model.NumberOfClasses, rows = features.Length / width;
            var atRows = model.PredictBatch(features, rows);
            var atBaseline = model.PredictProbabilities(explainer.Baseline.ToArray());
            double error = 0, change = 0;
            for (int r = 0; r < rows; r++)
            {
                var p = atRows.AsSpan(r * classes, classes);
                int c = p.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(p));
                double delta = p[c] - atBaseline[c], sum = attributions.AsSpan(r * width, width).ToArray().Sum(v => (double)v);
                error += Math.Abs(sum - delta);
                change += Math.Abs(delta);
            }
            return error / change;
        }

        private static double Best(Action run)
        {
            double best = double.MaxValue;
            for (int pass = 0; pass < Passes; pass++)
            {
                var clock = Stopwatch.StartNew();
                run();
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            return best;
        }

        private static void Log(string message) => Console.WriteLine($"[explain] {message}");
    }
}
