using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Text;
using Spectre.Console;

namespace TextClassification
{
    /// <summary>What one run produced: the test scores, sizes, times, and where the outputs are.</summary>
    public sealed record TextResult(
        TextEvaluation Evaluation, int TrainDocuments, int TestDocuments, int FeatureCount, TimeSpan TrainingTime, TimeSpan TotalTime,
        string ModelPath, string TrainingCurvePath, DocumentPrediction[] Previews);

    /// <summary>
    /// Text classification end to end: labelled documents → MapValueToKey + FeaturizeText (word n-grams) → a soft-voting
    /// ensemble of an MLP and SdcaMaximumEntropy (ML.NET's usual text trainer) → evaluated, saved, reloaded and used.
    /// </summary>
    public static class TextClassificationSample
    {
        public const string ModelFileName = "text-ensemble.zip";
        public const string TrainingCurveFileName = "training-curves.png";

        public static TextResult Run(TextOptions options)
        {
            var console = options.Console;
            var clock = Stopwatch.StartNew();
            var ml = new MLContext(seed: options.Seed);

            var data = TextData.Load(ml, options);
            console.MarkupLineInterpolated($"[bold]{data.Description}[/]: {data.TrainCount:N0} training documents, {data.TestDocuments.Length:N0} test documents");
            if (data.SkippedRows > 0)
                console.MarkupLineInterpolated($"[yellow]Skipped {data.SkippedRows:N0} row(s) without a label or a text.[/]");
            var classes = data.TestDocuments.GroupBy(d => d.Label).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count():N0}");
            console.MarkupLineInterpolated($"Test classes: {string.Join(", ", classes)}");

            // ByValue: classes in sorted order, so the Score slots and the confusion matrix read alphabetically.
            var featurizer = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
                .Append(ml.Transforms.Text.FeaturizeText("Features", FeaturizeOptions(options), nameof(TextDocument.Text)))
                .AppendCacheCheckpoint(ml); // both members read the same featurized rows: featurize once
            var progress = new TextProgress(console, options.Epochs);
            var mlpOptions = new MlpMulticlassTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = options.HiddenLayerSizes,
                NumberOfEpochs = options.Epochs,
                BatchSize = options.BatchSize,
                DropoutRate = options.DropoutRate,
                UseBatchNormalization = options.BatchNormalization,
                ValidationFraction = 0.1f, // for the validation curves: 10% of the MLP's training documents, stratified
                Seed = options.Seed,
                EpochCallback = progress.OnEpoch,
            };
            var members = new IEstimator<ITransformer>[] { ml.MulticlassClassification.Trainers.Mlp(mlpOptions), ml.MulticlassClassification.Trainers.SdcaMaximumEntropy() };
            string[] memberNames = { $"Mlp ({string.Join("→", options.HiddenLayerSizes)}, {options.Epochs} epochs)", "SdcaMaximumEntropy" };
            var pipeline = featurizer
                .Append(ml.MulticlassClassification.Trainers.SoftVotingEnsemble(members))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
            console.MarkupLineInterpolated(
                $"FeaturizeText: word 1–{options.NgramLength}-grams, the {options.MaximumNgrams:N0} most frequent of each length{(options.CharacterNgrams ? ", plus character trigrams" : "")}; soft-voting ensemble of {memberNames[0]} and {memberNames[1]}");

            var model = progress.Run(() => pipeline.Fit(data.Train));
            var trainingTime = clock.Elapsed;
            using var ensemble = model.OfType<MulticlassPredictionTransformer<MulticlassSoftVotingModelParameters>>().Single().Model;
            console.MarkupLineInterpolated($"Trained in {trainingTime.TotalSeconds:F1} s on {ensemble.NumberOfFeatures:N0} features per document.");

            var fittedFeaturizer = new TransformerChain<ITransformer>(model.Take(2).ToArray());
            var evaluation = TextEvaluation.Evaluate(ml, model, fittedFeaturizer, ensemble, memberNames, data.Test);
            ConsoleReport.PrintScores(console, evaluation);
            ConsoleReport.PrintConfusionMatrix(console, evaluation);

            Directory.CreateDirectory(options.OutputDirectory);
            string modelPath = Path.GetFullPath(Path.Combine(options.OutputDirectory, ModelFileName));
            ml.Model.Save(model, data.Train.Schema, modelPath);
            var previews = SavedModelCheck.PredictFromSavedModel(modelPath, data.TestDocuments.Take(options.Previews).ToArray());
            ConsoleReport.PrintPreviews(console, previews);

            string curvePath = Path.GetFullPath(Path.Combine(options.OutputDirectory, TrainingCurveFileName));
            Samples.Shared.TrainingCurves.SavePng(new[] { ("Mlp", ((MlpMulticlassModelParameters)ensemble.Members[0]).TrainingHistory) }, "Mlp member", curvePath);
            console.MarkupLineInterpolated($"Model: [link]{modelPath}[/]");
            console.MarkupLineInterpolated($"Training curves: [link]{curvePath}[/]");
            console.MarkupLineInterpolated($"Total time {clock.Elapsed.TotalSeconds:F1} s.");

            return new TextResult(evaluation, data.TrainCount, data.TestDocuments.Length, ensemble.NumberOfFeatures, trainingTime, clock.Elapsed,
                modelPath, curvePath, previews);
        }

        /// <summary>Word n-grams only by default, capped at the most frequent: the feature vector stays narrow enough for the
        /// MLP's dense copy. FeaturizeText's defaults (no cap, character trigrams) give ten to twenty times more features.</summary>
        private static TextFeaturizingEstimator.Options FeaturizeOptions(TextOptions options) => new()
        {
            WordFeatureExtractor = new WordBagEstimator.Options
            {
                NgramLength = options.NgramLength,
                UseAllLengths = true,
                MaximumNgramsCount = new[] { options.MaximumNgrams },
            },
            CharFeatureExtractor = options.CharacterNgrams ? new WordBagEstimator.Options { NgramLength = 3, UseAllLengths = false } : null,
        };
    }
}
