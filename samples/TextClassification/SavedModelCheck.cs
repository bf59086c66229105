using System.Linq;
using Microsoft.ML;

namespace TextClassification
{
    /// <summary>One test document as the reloaded model saw it.</summary>
    public sealed record DocumentPrediction(TextDocument Document, string PredictedLabel, float Confidence)
    {
        public bool IsCorrect => PredictedLabel == Document.Label;
    }

    /// <summary>The columns a PredictionEngine reads back from the pipeline's output.</summary>
    public sealed class TextPrediction
    {
        public string PredictedLabel { get; set; }
        public float[] Score { get; set; }
    }

    /// <summary>Proves the saved zip stands alone: loads it in a fresh MLContext, as another process would, and classifies
    /// raw text with it (the zip holds the featurizer too).</summary>
    internal static class SavedModelCheck
    {
        public static DocumentPrediction[] PredictFromSavedModel(string modelPath, TextDocument[] documents)
        {
            var ml = new MLContext(seed: 0);
            var model = ml.Model.Load(modelPath, out _);
            using var engine = ml.Model.CreatePredictionEngine<TextDocument, TextPrediction>(model);
            return documents.Select(d =>
            {
                var prediction = engine.Predict(d);
                return new DocumentPrediction(d, prediction.PredictedLabel, prediction.Score.Max());
            }).ToArray();
        }
    }
}
