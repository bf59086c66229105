using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MnistImage = Microsoft.ML.MnistCatalog.MnistImage;

namespace MnistEnsemble
{
    /// <summary>One test image as the reloaded model saw it.</summary>
    public sealed record PreviewPrediction(MnistImage Image, float PredictedLabel, float Confidence)
    {
        public bool IsCorrect => PredictedLabel == Image.Label;
    }

    /// <summary>The columns a PredictionEngine reads back from the pipeline's output.</summary>
    public sealed class ImagePrediction
    {
        public float PredictedLabel;
        public float[] Score;
    }

    /// <summary>Proves the saved zip stands alone: loads it in a fresh MLContext, as another process would, and predicts with it.</summary>
    internal static class SavedModelCheck
    {
        public static PreviewPrediction[] PredictFromSavedModel(string modelPath, MnistImage[] images)
        {
            var ml = new MLContext(seed: 0);
            var model = ml.Model.Load(modelPath, out _);
            // The saved pipeline expects a known-size vector; a plain float[] field needs its size declared.
            var schema = MnistCatalog.ImageSchema(images.Length > 0 ? images[0].Features.Length : 784);
            using var engine = ml.Model.CreatePredictionEngine<MnistImage, ImagePrediction>(model, inputSchemaDefinition: schema);
            return images.Select(image =>
            {
                var prediction = engine.Predict(image);
                return new PreviewPrediction(image, prediction.PredictedLabel, prediction.Score.Max());
            }).ToArray();
        }
    }
}
