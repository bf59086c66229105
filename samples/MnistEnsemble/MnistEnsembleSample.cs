using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Transforms;
using Spectre.Console;

namespace MnistEnsemble
{
    /// <summary>What one run produced: the test scores, how long it took, and where the outputs are.</summary>
    public sealed record MnistEnsembleResult(
        EnsembleEvaluation Evaluation, int TrainRows, int TestRows, TimeSpan TrainingTime, TimeSpan TotalTime,
        string ModelPath, string TrainingCurvePath, PreviewPrediction[] Previews, ExplainedImage Explanation, OnnxCheck Onnx = null);

    /// <summary>
    /// The seed recipe end to end: five MLPs 784→50→50→50→50→10 (he_normal, BatchNorm, ReLU, Dropout 0.2, Adam 1e-3, batch 32)
    /// trained as one soft-voting ensemble, evaluated, saved, reloaded, used, and asked why it read one image as it did.
    /// </summary>
    public static class MnistEnsembleSample
    {
        public const string ModelFileName = "mnist-ensemble.zip";
        public const string TrainingCurveFileName = "training-curves.png";

        public static MnistEnsembleResult Run(SampleOptions options)
        {
            var console = options.Console;
            var clock = Stopwatch.StartNew();
            var ml = new MLContext(seed: options.Seed);

            var data = MnistData.Load(ml, options);
            console.MarkupLineInterpolated($"[bold]{data.Description}[/]: {data.TrainCount:N0} training rows, {data.TestRows.Length:N0} test rows");
            console.MarkupLineInterpolated(
                $"Soft-voting ensemble of {options.Models} MLPs {string.Join("→", options.HiddenLayerSizes)} ({options.Activation}), {options.Epochs} epochs, batch {options.BatchSize}, {options.Optimizer} lr {options.LearningRate} ({options.Schedule}), weight decay {options.WeightDecay}, dropout {options.DropoutRate}");

            var progress = new TrainingProgress(console, options.Models, options.Epochs);
            var memberOptions = new MlpMulticlassTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = options.HiddenLayerSizes,
                NumberOfEpochs = options.Epochs,
                BatchSize = options.BatchSize,
                LearningRate = options.LearningRate,
                DropoutRate = options.DropoutRate,
                Optimizer = options.Optimizer,
                WeightDecay = options.WeightDecay,
                LearningRateSchedule = options.Schedule,
                Activation = options.Activation,
                Seed = options.Seed,
                EpochCallback = progress.OnEpoch,
            };
            // ByValue: class k of the Score vector is the k-th smallest label, so digit k sits in slot k.
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
                .Append(ml.MulticlassClassification.Trainers.SoftVotingEnsemble(memberOptions, numberOfModels: options.Models))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
            var model = progress.Run(() => pipeline.Fit(data.Train));
            var trainingTime = clock.Elapsed;
            console.MarkupLineInterpolated($"Trained in {trainingTime.TotalSeconds:F1} s.");

            using var ensemble = model.OfType<MulticlassPredictionTransformer<MulticlassSoftVotingModelParameters>>().Single().Model;
            var evaluation = EnsembleEvaluation.Evaluate(ml, model, ensemble, data);
            ConsoleReport.PrintScores(console, evaluation);
            ConsoleReport.PrintConfusionMatrix(console, evaluation, data);

            Directory.CreateDirectory(options.OutputDirectory);
            string modelPath = Path.GetFullPath(Path.Combine(options.OutputDirectory, ModelFileName));
            ml.Model.Save(model, data.Train.Schema, modelPath);
            var previews = SavedModelCheck.PredictFromSavedModel(modelPath, data.TestRows.Take(options.PreviewImages).ToArray());
            ImagePreview.Print(console, previews, data);

            var scorer = model.OfType<MulticlassPredictionTransformer<MulticlassSoftVotingModelParameters>>().Single();
            var explanation = DigitExplanation.Run(ml, scorer, data, options.OutputDirectory, console);

            var onnx = options.OnnxPath == null ? null : ExportOnnx(ml, model, data, options.OnnxPath, evaluation, console);

            string curvePath = Path.GetFullPath(Path.Combine(options.OutputDirectory, TrainingCurveFileName));
            Samples.Shared.TrainingCurves.SavePng(ensemble.Members.Cast<MlpMulticlassModelParameters>().Select((m, i) => ($"member {i + 1}", m.TrainingHistory)).ToArray(), "Ensemble members", curvePath);
            console.MarkupLineInterpolated($"Model: [link]{modelPath}[/]");
            console.MarkupLineInterpolated($"Training curves: [link]{curvePath}[/]");
            console.MarkupLineInterpolated($"Explanation: [link]{explanation.PngPath}[/]");
            console.MarkupLineInterpolated($"Total time {clock.Elapsed.TotalSeconds:F1} s.");

            return new MnistEnsembleResult(evaluation, data.TrainCount, data.TestRows.Length, trainingTime, clock.Elapsed, modelPath, curvePath, previews, explanation, onnx);
        }

        /// <summary>--onnx: the pipeline as ONNX, the test set scored by ONNX Runtime alone, both accuracies printed.</summary>
        private static OnnxCheck ExportOnnx(MLContext ml, ITransformer model, MnistSplit data, string path, EnsembleEvaluation evaluation, IAnsiConsole console)
        {
            var mlNetPredictions = model.Transform(data.Test).GetColumn<float>("PredictedLabel").ToArray();
            var check = OnnxExport.ExportAndScore(ml, model, data.Train, data.TestRows, mlNetPredictions, path);
            console.MarkupLineInterpolated($"ONNX: [link]{check.Path}[/]");
            console.MarkupLineInterpolated(
                $"Test accuracy: ML.NET {evaluation.Ensemble.Accuracy:P2}, ONNX Runtime {check.Accuracy:P2} (same prediction on {check.Agreements:N0} of {check.Rows:N0} rows)");
            return check;
        }
    }
}
