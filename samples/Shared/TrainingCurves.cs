using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using ScottPlot;

namespace Samples.Shared
{
    /// <summary>Writes training curves (loss and accuracy per epoch, one color per series, validation dashed) as one PNG
    /// with two panels.</summary>
    internal static class TrainingCurves
    {
        public static void SavePng(IReadOnlyList<(string Name, IReadOnlyList<MlpEpochMetrics> History)> series, string title, string path)
        {
            var multiplot = new Multiplot();
            multiplot.AddPlots(2);
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
            var loss = multiplot.GetPlot(0);
            var accuracy = multiplot.GetPlot(1);
            var palette = new ScottPlot.Palettes.Category10();

            for (int s = 0; s < series.Count; s++)
            {
                var (name, history) = series[s];
                double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
                var color = palette.GetColor(s);
                AddLine(loss, epochs, history.Select(h => h.TrainingLoss).ToArray(), color, name, dashed: false);
                AddLine(accuracy, epochs, history.Select(h => h.TrainingAccuracy * 100).ToArray(), color, name, dashed: false);
                // Validation figures exist only when the trainer was given validation data; draw them dashed when they do.
                if (history.All(h => h.ValidationLoss.HasValue))
                {
                    AddLine(loss, epochs, history.Select(h => h.ValidationLoss.Value).ToArray(), color, $"{name} (validation)", dashed: true);
                    AddLine(accuracy, epochs, history.Select(h => h.ValidationAccuracy.Value * 100).ToArray(), color, $"{name} (validation)", dashed: true);
                }
            }
            loss.Title($"{title}: loss (cross-entropy)");
            loss.XLabel("epoch");
            loss.YLabel("loss");
            accuracy.Title($"{title}: accuracy");
            accuracy.XLabel("epoch");
            accuracy.YLabel("accuracy (%)");
            loss.ShowLegend(Alignment.UpperRight);
            accuracy.ShowLegend(Alignment.LowerRight);
            foreach (var plot in new[] { loss, accuracy })
                plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
            multiplot.SavePng(path, 1400, 550);
        }

        private static void AddLine(Plot plot, double[] xs, double[] ys, Color color, string label, bool dashed)
        {
            var line = plot.Add.Scatter(xs, ys, color);
            line.LegendText = label;
            line.MarkerSize = xs.Length > 30 ? 0 : 4;
            if (dashed)
                line.LinePattern = LinePattern.Dashed;
        }
    }
}
