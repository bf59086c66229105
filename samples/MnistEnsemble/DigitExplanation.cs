using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using ScottPlot;
using Spectre.Console;
using MnistImage = Microsoft.ML.MnistCatalog.MnistImage;

namespace MnistEnsemble
{
    /// <summary>Why the ensemble read one test image as it did: the probability of its class, the attributions' sum (which
    /// integrated gradients make equal to that probability's change from the baseline, the mean training image), how much of
    /// the attribution lies on the strokes, and where the heat map PNG is.</summary>
    public sealed record ExplainedImage(MnistImage Image, int Class, float Probability, float BaselineProbability, float AttributionSum,
        double StrokeShare, double StrokeArea, string PngPath);

    /// <summary>
    /// Integrated gradients for the first correctly read test image: the image beside its attribution heat map in the terminal
    /// (red: pixels that raised the predicted class's probability, blue: pixels that lowered it) and as a PNG.
    /// </summary>
    internal static class DigitExplanation
    {
        public const string FileName = "explanation.png";

        /// <summary>Pixels at least this bright (of the image's brightest) count as strokes.</summary>
        private const float Stroke = 0.25f;

        public static ExplainedImage Run(MLContext ml, MulticlassPredictionTransformer<MulticlassSoftVotingModelParameters> ensemble, MnistSplit data,
            string outputDirectory, IAnsiConsole console)
        {
            var model = ensemble.Model;
            var image = data.TestRows.FirstOrDefault(r => ArgMax(model.PredictProbabilities(r.Features)) == (int)r.Label) ?? data.TestRows[0];
            var explainer = ml.Transforms.CalculateIntegratedGradients(ensemble, steps: 32).Fit(data.Test);
            var attributions = explainer.ExplainBatch(image.Features, 1);
            var probabilities = model.PredictProbabilities(image.Features);
            int predicted = ArgMax(probabilities);
            float atBaseline = model.PredictProbabilities(explainer.Baseline.ToArray())[predicted];
            var (share, area) = OnStrokes(image.Features, attributions);
            string path = Path.GetFullPath(Path.Combine(outputDirectory, FileName));
            SavePng(image.Features, attributions, $"read as {data.LabelName(predicted)} ({probabilities[predicted]:P0})", path);

            console.Write(new Rule("Why: integrated gradients of the predicted class's probability"));
            var caption = new Markup(
                $"true [bold]{Markup.Escape(data.LabelName(image.Label))}[/], read as [bold]{Markup.Escape(data.LabelName(predicted))}[/]: "
                + $"P {probabilities[predicted]:P1} here, {atBaseline:P1} for the mean training image; the attributions sum to {attributions.Sum():+0.000;-0.000}.\n"
                + $"[red]red[/] raised it, [blue]blue[/] lowered it; {share:P0} of the attribution lies on the strokes, which cover {area:P0} of the image.");
            console.Write(new Columns(new Panel(new Text(ImagePreview.Draw(image.Features))).Header("image"),
                new Panel(new Markup(HeatMap(attributions))).Header("attribution")));
            console.Write(caption);
            console.WriteLine();
            return new ExplainedImage(image, predicted, probabilities[predicted], atBaseline, attributions.Sum(), share, area, path);
        }

        private static int ArgMax(float[] values) => Array.IndexOf(values, values.Max());

        /// <summary>The share of Σ|attribution| on stroke pixels, and the share of the pixels that are strokes.</summary>
        private static (double Share, double Area) OnStrokes(float[] pixels, float[] attributions)
        {
            float bright = pixels.Max() * Stroke;
            double onStrokes = 0, total = 0;
            for (int i = 0; i < pixels.Length; i++)
            {
                total += Math.Abs(attributions[i]);
                onStrokes += pixels[i] >= bright ? Math.Abs(attributions[i]) : 0;
            }
            return (total > 0 ? onStrokes / total : 0, pixels.Count(p => p >= bright) / (double)pixels.Length);
        }

        /// <summary>The attributions as 14×14 cells (2×2 pixels summed), shade by |value|, red for positive, blue for negative.</summary>
        private static string HeatMap(float[] attributions)
        {
            const string shades = " ░▒▓█";
            int side = (int)Math.Round(Math.Sqrt(attributions.Length));
            var cells = new float[side / 2, side / 2];
            for (int i = 0; i < attributions.Length; i++)
                cells[i / side / 2, i % side / 2] += attributions[i];
            float largest = Math.Max(cells.Cast<float>().Max(Math.Abs), 1e-12f);
            var text = new StringBuilder();
            for (int row = 0; row < side / 2; row++)
            {
                for (int column = 0; column < side / 2; column++)
                {
                    float value = cells[row, column];
                    int shade = (int)Math.Round(Math.Abs(value) / largest * (shades.Length - 1));
                    text.Append(shade == 0 ? "  " : $"[{(value > 0 ? "red" : "blue")}]{new string(shades[shade], 2)}[/]");
                }
                if (row + 1 < side / 2)
                    text.Append('\n');
            }
            return text.ToString();
        }

        /// <summary>Two panels: the image in grey, the attributions on a diverging map centred at 0.</summary>
        private static void SavePng(float[] pixels, float[] attributions, string title, string path)
        {
            int side = (int)Math.Round(Math.Sqrt(pixels.Length));
            var multiplot = new Multiplot();
            multiplot.AddPlots(2);
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
            var image = multiplot.GetPlot(0).Add.Heatmap(Grid(pixels, side));
            image.Colormap = new ScottPlot.Colormaps.Grayscale();
            float largest = Math.Max(attributions.Max(Math.Abs), 1e-12f);
            var heat = multiplot.GetPlot(1).Add.Heatmap(Grid(attributions, side));
            heat.Colormap = new ScottPlot.Colormaps.Balance();
            heat.ManualRange = new ScottPlot.Range(-largest, largest);
            multiplot.GetPlot(1).Add.ColorBar(heat);
            multiplot.GetPlot(0).Title(title);
            multiplot.GetPlot(1).Title("integrated gradients (red raised it, blue lowered it)");
            foreach (var plot in new[] { multiplot.GetPlot(0), multiplot.GetPlot(1) })
            {
                plot.HideAxesAndGrid();
                plot.Axes.Title.IsVisible = true; // hidden with the axes; the titles say what each panel is
            }
            multiplot.SavePng(path, 1000, 480);
        }

        /// <summary>Row-major pixels as the [row, column] grid a heat map draws, row 0 at the top.</summary>
        private static double[,] Grid(float[] values, int side)
        {
            var grid = new double[side, side];
            for (int i = 0; i < values.Length; i++)
                grid[i / side, i % side] = values[i];
            return grid;
        }
    }
}
