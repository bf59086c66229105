using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Trainers.Mlp;
using Spectre.Console;

namespace TabularCsv
{
    /// <summary>One trainer's test figures.</summary>
    public sealed record TrainerScore(string Name, double Accuracy, double MacroAccuracy, double LogLoss, TimeSpan TrainingTime);

    public sealed record TabularResult(IReadOnlyList<TrainerScore> Scores, double MajorityClassAccuracy, int TrainRows, int TestRows);

    /// <summary>
    /// CSV → TextLoader → key label + normalised features → three trainers side by side: the MLP, ML.NET's
    /// multinomial logistic regression (LbfgsMaximumEntropy), and a soft-voting ensemble of the two.
    /// </summary>
    public static class TabularCsvSample
    {
        public static TabularResult Run(TabularOptions options)
        {
            var console = options.Console;
            var ml = new MLContext(seed: options.Seed);
            var data = SatelliteData.Load(ml, options.DataPath);
            console.MarkupLineInterpolated(
                $"[bold]Statlog (Landsat Satellite)[/]: {data.TrainCount:N0} training rows, {data.TestCount:N0} test rows, {SatelliteData.FeatureCount} features, 6 classes");

            // Shared by every candidate; fitted on the training rows only, so the test set stays unseen.
            var prepare = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.Transforms.NormalizeMeanVariance("Features"));

            var candidates = new (string Name, Func<IEstimator<ITransformer>> Trainer)[]
            {
                ("Mlp", () => ml.MulticlassClassification.Trainers.Mlp(MlpOptions(options))),
                ("LbfgsMaximumEntropy", () => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()),
                ("SoftVotingEnsemble (both)", () => ml.MulticlassClassification.Trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.MulticlassClassification.Trainers.Mlp(MlpOptions(options)),
                    ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(),
                })),
            };

            var scores = new List<TrainerScore>();
            foreach (var (name, trainer) in candidates)
            {
                var pipeline = prepare.Append(trainer()).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
                var clock = Stopwatch.StartNew();
                var model = pipeline.Fit(data.Train);
                var time = clock.Elapsed;
                var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data.Test));
                scores.Add(new TrainerScore(name, metrics.MicroAccuracy, metrics.MacroAccuracy, metrics.LogLoss, time));
                console.MarkupLineInterpolated($"{name}: trained in {time.TotalSeconds:F1} s");
            }

            PrintTable(console, scores, data.MajorityClassAccuracy);
            return new TabularResult(scores, data.MajorityClassAccuracy, data.TrainCount, data.TestCount);
        }

        /// <summary>A smaller network than the image recipe's: 36 inputs need less width, and tabular data less depth.</summary>
        private static MlpTrainer.Options MlpOptions(TabularOptions options) => new()
        {
            HiddenLayerSizes = new[] { 64, 64 },
            DropoutRate = 0.1f,
            NumberOfEpochs = options.Epochs,
            Seed = options.Seed,
        };

        private static void PrintTable(IAnsiConsole console, IReadOnlyList<TrainerScore> scores, double majority)
        {
            var table = new Table().Title("Test set (original 2,000-row split)")
                .AddColumn("trainer")
                .AddColumn(new TableColumn("accuracy").RightAligned())
                .AddColumn(new TableColumn("macro acc.").RightAligned())
                .AddColumn(new TableColumn("log-loss").RightAligned())
                .AddColumn(new TableColumn("train time").RightAligned());
            double best = scores.Max(s => s.Accuracy);
            foreach (var s in scores)
            {
                string accuracy = $"{s.Accuracy:P2}";
                table.AddRow(Markup.Escape(s.Name), s.Accuracy == best ? $"[bold green]{accuracy}[/]" : accuracy,
                    $"{s.MacroAccuracy:P2}", $"{s.LogLoss:F4}", $"{s.TrainingTime.TotalSeconds:F1} s");
            }
            table.AddRow("[grey]majority class (baseline)[/]", $"[grey]{majority:P2}[/]", "", "", "");
            console.Write(table);
        }
    }
}
