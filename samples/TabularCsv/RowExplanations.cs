using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;

namespace TabularCsv
{
    /// <summary>One explained test row: the model's Score and the three features that moved it most, signed.</summary>
    public sealed record ExplainedRow(string Task, int Row, float Score, IReadOnlyList<(string Feature, float Contribution)> Top);

    /// <summary>
    /// Why the Mlp scored a few test rows as it did: integrated gradients of its Score (label units for regression, the logit for
    /// binary) from the average training row, and the three features with the largest contributions. The contributions of a
    /// row sum to its Score minus the average row's Score, so they say how far each feature moved this row from average.
    /// </summary>
    internal static class RowExplanations
    {
        public static List<ExplainedRow> Print(MLContext ml, string task, ITransformer model, IDataView test, string units, IAnsiConsole console, int rows = 3)
        {
            // The pipeline is the shared preparation, then the trainer: explain what the trainer reads, the prepared features.
            var prediction = (ISingleFeaturePredictionTransformer<object>)((TransformerChain<ITransformer>)model).LastTransformer;
            var scored = model.Transform(ml.Data.TakeRows(test, rows));
            var explained = ml.Transforms.CalculateIntegratedGradients(prediction).Fit(scored).Transform(scored);
            VBuffer<ReadOnlyMemory<char>> names = default;
            explained.Schema["FeatureContributions"].GetSlotNames(ref names); // the CSV header, carried through
            var featureNames = names.DenseValues().Select(n => n.ToString()).ToArray();
            var scores = explained.GetColumn<float>("Score").ToArray();
            var contributions = explained.GetColumn<VBuffer<float>>("FeatureContributions").Select(v => v.DenseValues().ToArray()).ToArray();

            var table = new Table().Title($"Why — the Mlp's three largest contributions to the Score ({units}), from the average training row")
                .AddColumn("test row").AddColumn(new TableColumn("Score").RightAligned()).AddColumn("top three features, signed");
            var result = new List<ExplainedRow>();
            for (int r = 0; r < scores.Length; r++)
            {
                var top = contributions[r].Select((c, j) => (Feature: featureNames[j], Contribution: c))
                    .OrderByDescending(p => Math.Abs(p.Contribution)).Take(3).ToArray();
                result.Add(new ExplainedRow(task, r, scores[r], top));
                table.AddRow($"{r + 1}", $"{scores[r]:F2}",
                    string.Join(", ", top.Select(p => $"{Markup.Escape(p.Feature)} [{(p.Contribution > 0 ? "green" : "red")}]{p.Contribution:+0.00;-0.00}[/]")));
            }
            console.Write(table);
            return result;
        }
    }
}
