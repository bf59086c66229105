using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using ScottPlot;

namespace TextClassification
{
    /// <summary>Writes the MLP member's training curves (loss and accuracy per epoch; validation dashed) as one PNG with two panels.</summary>
    internal static class TrainingCurves
    {
        public static void SavePng(IReadOnlyList<MlpEpochMetrics> history, string path)
        {
            var multiplot = new Multiplot();
            multiplot.AddPlots(2);
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
            var loss = multiplot.GetPlot(0);
            var accuracy = multiplot.GetPlot(1);
            var color = new ScottPlot.Palettes.Category10().GetColor(0);
            double[] epochs = history.Select(h => (double)h.Epoch).ToArray();

            AddLine(loss, epochs, history.Select(h => h.TrainingLoss).ToArray(), color, "training", dashed: false);
            AddLine(accuracy, epochs, history.Select(h => h.TrainingAccuracy * 100).ToArray(), color, "training", dashed: false);
            if (history.All(h => h.ValidationLoss.HasValue))
            {
                AddLine(loss, epochs, history.Select(h => h.ValidationLoss.Value).ToArray(), color, "validation", dashed: true);
                AddLine(accuracy, epochs, history.Select(h => h.ValidationAccuracy.Value * 100).ToArray(), color, "validation", dashed: true);
            }

            loss.Title("Mlp member: loss (cross-entropy)");
            loss.XLabel("epoch");
            loss.YLabel("loss");
            accuracy.Title("Mlp member: accuracy");
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
