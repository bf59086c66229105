using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Spectre.Console;

namespace TabularCsv
{
    /// <summary>One trainer's test figures on the multiclass case.</summary>
    public sealed record TrainerScore(string Name, double Accuracy, double MacroAccuracy, double LogLoss, TimeSpan TrainingTime);

    /// <summary>One trainer's test figures on the binary case.</summary>
    public sealed record BinaryScore(string Name, double Auc, double Accuracy, double F1, double LogLoss, TimeSpan TrainingTime);

    /// <summary>One trainer's test figures on the regression case.</summary>
    public sealed record RegressionScore(string Name, double RSquared, double Rmse, double Mae, TimeSpan TrainingTime);

    /// <summary>What the sample measured; a task it did not run has an empty list.</summary>
    public sealed record TabularResult(IReadOnlyList<TrainerScore> Scores, double MajorityClassAccuracy, int TrainRows, int TestRows,
        IReadOnlyList<BinaryScore> Binary, IReadOnlyList<RegressionScore> Regression, IReadOnlyList<ExplainedRow> Explained);

    /// <summary>
    /// The everyday ML.NET use, once per task: CSV → TextLoader → label conversion + normalised features → this package's Mlp
    /// beside ML.NET's own linear trainer and ensembles (soft voting, stacking; regression: three fused Mlp copies voting). Multiclass: Landsat satellite (6 soil classes); binary:
    /// Pima Indians diabetes; regression: Boston housing prices. For binary and regression it also prints why the Mlp scored a
    /// few test rows as it did (<see cref="RowExplanations"/>).
    /// </summary>
    public static class TabularCsvSample
    {
        public static TabularResult Run(TabularOptions options)
        {
            var ml = new MLContext(seed: options.Seed);
            var multiclass = options.Runs("multiclass") ? Multiclass(ml, options) : (Scores: new List<TrainerScore>(), Majority: 0, TrainRows: 0, TestRows: 0);
            var explained = new List<ExplainedRow>();
            var binary = options.Runs("binary") ? Binary(ml, options, explained) : new List<BinaryScore>();
            var regression = options.Runs("regression") ? Regression(ml, options, explained) : new List<RegressionScore>();
            return new TabularResult(multiclass.Scores, multiclass.Majority, multiclass.TrainRows, multiclass.TestRows, binary, regression, explained);
        }

        private static (List<TrainerScore> Scores, double Majority, int TrainRows, int TestRows) Multiclass(MLContext ml, TabularOptions options)
        {
            var console = options.Console;
            var data = SatelliteData.Load(ml, options.DataPath);
            console.MarkupLineInterpolated(
                $"[bold]Multiclass — Statlog (Landsat Satellite)[/]: {data.TrainCount:N0} training rows, {data.TestCount:N0} test rows, {SatelliteData.FeatureCount} features, 6 classes");

            // Shared by every candidate; fitted on the training rows only, so the test set stays unseen.
            var prepare = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.NormalizeMeanVariance("Features"));
            var mlp = new MlpMulticlassTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 64, 64 }, DropoutRate = 0.1f, NumberOfEpochs = options.Epochs, Seed = options.Seed };
            var candidates = new (string Name, Func<IEstimator<ITransformer>> Trainer)[]
            {
                ("Mlp", () => ml.MulticlassClassification.Trainers.Mlp(mlp)),
                ("LbfgsMaximumEntropy", () => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy()),
                ("SoftVotingEnsemble (both)", () => ml.MulticlassClassification.Trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.MulticlassClassification.Trainers.Mlp(mlp),
                    ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(),
                })),
            };
            var scores = Compare(console, candidates, prepare, data.Train, data.Test, ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"),
                (name, scored, time) =>
                {
                    var m = ml.MulticlassClassification.Evaluate(scored);
                    return new TrainerScore(name, m.MicroAccuracy, m.MacroAccuracy, m.LogLoss, time);
                });

            var table = NewTable("Test set (original 2,000-row split)", "accuracy", "macro acc.", "log-loss");
            double best = scores.Max(s => s.Accuracy);
            foreach (var s in scores)
                table.AddRow(Markup.Escape(s.Name), Best($"{s.Accuracy:P2}", s.Accuracy == best), $"{s.MacroAccuracy:P2}", $"{s.LogLoss:F4}", Seconds(s.TrainingTime));
            table.AddRow("[grey]majority class (baseline)[/]", $"[grey]{data.MajorityClassAccuracy:P2}[/]", "", "", "");
            console.Write(table);
            return (scores, data.MajorityClassAccuracy, data.TrainCount, data.TestCount);
        }

        private static List<BinaryScore> Binary(MLContext ml, TabularOptions options, List<ExplainedRow> explained)
        {
            var console = options.Console;
            var all = CsvTable.Load(ml, options.DataPath, "data/pima-indians-diabetes/pima-indians-diabetes.csv", featureCount: 8, DataKind.String);
            var (train, test) = CsvTable.Split(ml, all, options.Seed);
            console.MarkupLineInterpolated($"[bold]Binary — Pima Indians diabetes[/]: {Count(train):N0} training rows, {Count(test):N0} test rows, 8 features");

            // "pos"/"neg" → Boolean, the label type binary trainers take (MapValue saves with the model, unlike a lambda).
            var prepare = ml.Transforms.Conversion.MapValue("Label", new[] { new KeyValuePair<string, bool>("pos", true), new KeyValuePair<string, bool>("neg", false) })
                .Append(ml.Transforms.NormalizeMeanVariance("Features"));
            // 600 rows: a small network without batch norm (its batch statistics are noisy on so few rows), and early stopping on
            // a held-out fifth's AUC, keeping the best epoch: small tabular sets overfit within tens of epochs.
            var mlp = new MlpBinaryTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = new[] { 16, 16 }, UseBatchNormalization = false, DropoutRate = 0.1f, LearningRate = 0.01f,
                NumberOfEpochs = options.Epochs * 4, ValidationFraction = 0.2f, EarlyStoppingPatience = 10, EarlyStoppingMetric = MlpEarlyStoppingMetric.ValidationAuc,
                Seed = options.Seed,
            };
            var candidates = new (string Name, Func<IEstimator<ITransformer>> Trainer)[]
            {
                ("Mlp", () => ml.BinaryClassification.Trainers.Mlp(mlp)),
                ("LbfgsLogisticRegression", () => ml.BinaryClassification.Trainers.LbfgsLogisticRegression()),
                ("SoftVotingEnsemble (both)", () => ml.BinaryClassification.Trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.BinaryClassification.Trainers.Mlp(mlp),
                    ml.BinaryClassification.Trainers.LbfgsLogisticRegression(),
                })),
                ("StackingEnsemble (both)", () => ml.BinaryClassification.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.BinaryClassification.Trainers.Mlp(mlp),
                    ml.BinaryClassification.Trainers.LbfgsLogisticRegression(),
                }, seed: options.Seed)),
            };
            var models = new Dictionary<string, ITransformer>();
            var scores = Compare(console, candidates, prepare, train, test, null, (name, scored, time) =>
            {
                var m = ml.BinaryClassification.Evaluate(scored);
                return new BinaryScore(name, m.AreaUnderRocCurve, m.Accuracy, m.F1Score, m.LogLoss, time);
            }, models);

            var table = NewTable("Test set (seeded 20% split)", "AUC", "accuracy", "F1", "log-loss");
            double best = scores.Max(s => s.Auc);
            foreach (var s in scores)
                table.AddRow(Markup.Escape(s.Name), Best($"{s.Auc:F4}", s.Auc == best), $"{s.Accuracy:P2}", $"{s.F1:F4}", $"{s.LogLoss:F4}", Seconds(s.TrainingTime));
            console.Write(table);
            explained.AddRange(RowExplanations.Print(ml, "binary", models["Mlp"], test, "the logit of diabetes", console));
            return scores;
        }

        private static List<RegressionScore> Regression(MLContext ml, TabularOptions options, List<ExplainedRow> explained)
        {
            var console = options.Console;
            var all = CsvTable.Load(ml, options.DataPath, "data/boston-housing/boston-housing.csv", featureCount: 12, DataKind.Single);
            var (train, test) = CsvTable.Split(ml, all, options.Seed);
            console.MarkupLineInterpolated($"[bold]Regression — Boston housing[/]: {Count(train):N0} training rows, {Count(test):N0} test rows, 12 features, label = median value ($1000s)");

            var prepare = ml.Transforms.NormalizeMeanVariance("Features");
            var mlp = new MlpRegressionTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 64, 64 }, NumberOfEpochs = options.Epochs * 4, LearningRate = 0.003f, Seed = options.Seed };
            var candidates = new (string Name, Func<IEstimator<ITransformer>> Trainer)[]
            {
                ("Mlp", () => ml.Regression.Trainers.Mlp(mlp)),
                ("Sdca (linear)", () => ml.Regression.Trainers.Sdca()),
                ("VotingEnsemble (3 Mlp copies)", () => ml.Regression.Trainers.VotingEnsemble(mlp, numberOfModels: 3)),
                ("StackingEnsemble (Mlp + Sdca)", () => ml.Regression.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.Regression.Trainers.Mlp(mlp),
                    ml.Regression.Trainers.Sdca(),
                }, seed: options.Seed)),
            };
            var models = new Dictionary<string, ITransformer>();
            var scores = Compare(console, candidates, prepare, train, test, null, (name, scored, time) =>
            {
                var m = ml.Regression.Evaluate(scored);
                return new RegressionScore(name, m.RSquared, m.RootMeanSquaredError, m.MeanAbsoluteError, time);
            }, models);

            var table = NewTable("Test set (seeded 20% split)", "R²", "RMSE", "MAE");
            double best = scores.Max(s => s.RSquared);
            foreach (var s in scores)
                table.AddRow(Markup.Escape(s.Name), Best($"{s.RSquared:F4}", s.RSquared == best), $"{s.Rmse:F3}", $"{s.Mae:F3}", Seconds(s.TrainingTime));
            console.Write(table);
            explained.AddRange(RowExplanations.Print(ml, "regression", models["Mlp"], test, "$1000s", console));
            return scores;
        }

        /// <summary>Fits each candidate after the shared preparation, times it, and scores the test rows; the fitted pipelines go
        /// into <paramref name="models"/> by name when it is given.</summary>
        private static List<TScore> Compare<TScore>(IAnsiConsole console, (string Name, Func<IEstimator<ITransformer>> Trainer)[] candidates,
            IEstimator<ITransformer> prepare, IDataView train, IDataView test, IEstimator<ITransformer> finish,
            Func<string, IDataView, TimeSpan, TScore> evaluate, Dictionary<string, ITransformer> models = null)
        {
            var scores = new List<TScore>();
            foreach (var (name, trainer) in candidates)
            {
                IEstimator<ITransformer> pipeline = prepare.Append(trainer());
                if (finish != null)
                    pipeline = pipeline.Append(finish);
                var clock = Stopwatch.StartNew();
                var model = pipeline.Fit(train);
                var time = clock.Elapsed;
                scores.Add(evaluate(name, model.Transform(test), time));
                if (models != null)
                    models[name] = model;
                console.MarkupLineInterpolated($"{name}: trained in {time.TotalSeconds:F1} s");
            }
            return scores;
        }

        private static long Count(IDataView data)
        {
            long rows = 0;
            using var cursor = data.GetRowCursor(Array.Empty<DataViewSchema.Column>());
            while (cursor.MoveNext())
                rows++;
            return rows;
        }

        private static Table NewTable(string title, params string[] metrics)
        {
            var table = new Table().Title(title).AddColumn("trainer");
            foreach (string metric in metrics)
                table.AddColumn(new TableColumn(metric).RightAligned());
            return table.AddColumn(new TableColumn("train time").RightAligned());
        }

        private static string Best(string text, bool best) => best ? $"[bold green]{text}[/]" : text;

        private static string Seconds(TimeSpan time) => $"{time.TotalSeconds:F1} s";
    }
}
