using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Spectre.Console;

namespace MnistEnsemble
{
    /// <summary>Draws images in the terminal with shade characters, each beside the reloaded model's prediction.</summary>
    internal static class ImagePreview
    {
        private const string Shades = " ░▒▓█";

        public static void Print(IAnsiConsole console, IReadOnlyList<PreviewPrediction> predictions, MnistSplit data)
        {
            var panels = predictions.Select(p =>
            {
                string verdict = p.IsCorrect ? "[green]right[/]" : "[red]wrong[/]";
                var caption = new Markup(
                    $"predicted [bold]{Markup.Escape(data.LabelName(p.PredictedLabel))}[/] ({p.Confidence:P0})\n"
                    + $"true [bold]{Markup.Escape(data.LabelName(p.Image.Label))}[/]: {verdict}");
                return new Panel(new Rows(new Text(Draw(p.Image.Features)), caption)).Border(BoxBorder.Rounded);
            }).ToArray();
            console.Write(new Rule("Test images, predicted by the model reloaded from its zip"));
            console.Write(new Columns(panels));
        }

        /// <summary>A square image halved in each direction (28×28 → 14×14 cells, each the mean of 2×2 pixels), every cell two
        /// characters wide so the picture keeps its aspect ratio in a terminal.</summary>
        public static string Draw(float[] pixels)
        {
            int side = (int)Math.Round(Math.Sqrt(pixels.Length));
            if (side * side != pixels.Length)
                return $"({pixels.Length} features: not a square image)";
            float max = Math.Max(pixels.Max(), 1e-6f);   // 0..1 or 0..255 alike
            var text = new StringBuilder();
            for (int row = 0; row < side; row += 2)
            {
                for (int column = 0; column < side; column += 2)
                {
                    float sum = 0;
                    int count = 0;
                    for (int dy = 0; dy < 2 && row + dy < side; dy++)
                        for (int dx = 0; dx < 2 && column + dx < side; dx++, count++)
                            sum += pixels[(row + dy) * side + column + dx];
                    int shade = (int)Math.Round(sum / count / max * (Shades.Length - 1));
                    text.Append(Shades[shade], 2);
                }
                if (row + 2 < side)
                    text.Append('\n');
            }
            return text.ToString();
        }
    }
}
