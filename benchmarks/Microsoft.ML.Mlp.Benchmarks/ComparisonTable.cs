using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>Prints the side-by-side table as Markdown, so it can be pasted into benchmarks/README.md as is.</summary>
    public static class ComparisonTable
    {
        private sealed record Row(string Label, Func<Figures, double?> Value, string Format, string Goal, Func<double, bool> GoalMet, bool AgainstOpenBlas);

        /// <summary>Goals are issue 6's unless marked. Ratio is ours ÷ PyTorch+OpenBLAS (time: lower is better; rows/s: higher).</summary>
        private static readonly Row[] s_rows =
        {
            new("Training s/epoch, 1 model", f => f.MeanEpochSeconds, "F2", "≤ 0.25× OpenBLAS", r => r <= 0.25, true),
            new("Training s/epoch, 5-member ensemble, independent order", f => f.EnsembleEpochSeconds, "F2", "≤ 0.8× OpenBLAS 1-model (issue 19)", r => r <= 0.8, true),
            new("Training s/epoch, 5-member ensemble, shared batch order", f => f.SharedOrderEnsembleEpochSeconds, "F2", "≤ 0.5× OpenBLAS 1-model (issue 19)", r => r <= 0.5, true),
            new("Ensemble test accuracy, independent order", f => f.EnsembleAccuracy, "P2", "", null, false),
            new("Ensemble test accuracy, shared batch order", f => f.SharedOrderEnsembleAccuracy, "P2", "within 0.3 points (issue 19)", null, false),
            new("Test accuracy", f => f.Accuracy, "P2", "", null, false),
            new("Batch scoring (Transform), rows/s", f => f.ScoringRowsPerSecond, "N0", "≥ 500,000", v => v >= 500_000, false),
            new("Batch scoring (PredictBatch), rows/s", f => f.BatchApiRowsPerSecond, "N0", "≥ 500,000", v => v >= 500_000, false),
            new("Single row p50, µs", f => f.SingleRowP50Microseconds, "F1", "≤ 20", v => v <= 20, false),
            new("Single row p99, µs", f => f.SingleRowP99Microseconds, "F1", "", null, false),
            new("Load into training memory, s", f => f.LoadSeconds, "F2", "≤ 1", v => v <= 1, false),
            new("Reader alone: IDataView → training memory, s", f => f.ReaderSeconds, "F2", "≤ 0.25 (issue 10)", v => v <= 0.25, false),
            new("Peak memory, MiB", f => f.PeakMemoryMiB, "N0", "≤ 1024", v => v <= 1024, false),
        };

        public static string Render(Figures ours, IReadOnlyList<Figures> reference)
        {
            var openBlas = reference.FirstOrDefault(f => f.Name.Contains("OpenBLAS"));
            var columns = new List<Figures> { ours };
            columns.AddRange(reference);
            var sb = new StringBuilder();
            sb.Append("| Figure | ").Append(string.Join(" | ", columns.Select(c => c.Name)))
              .AppendLine(" | ours ÷ OpenBLAS | Goal (issue 6) | Met |");
            sb.Append("|---|").Append(string.Concat(columns.Select(_ => "---:|"))).AppendLine("---:|---|---|");
            foreach (var row in s_rows)
            {
                double? mine = row.Value(ours);
                double? theirs = openBlas == null ? null : row.Value(openBlas);
                double? ratio = mine is double m && theirs is double t && t != 0 ? m / t : null;
                // Ensemble goal is against the single-model OpenBLAS epoch.
                if (row.Label.Contains("ensemble") && mine is double e && openBlas?.MeanEpochSeconds is double single)
                    ratio = e / single;
                string met = row.GoalMet == null ? "" :
                    (row.AgainstOpenBlas ? ratio : mine) is double x ? (row.GoalMet(x) ? "yes" : "no") : "–";
                sb.Append("| ").Append(row.Label).Append(" | ")
                  .Append(string.Join(" | ", columns.Select(c => c == ours && mine == null ? "not yet" : Format(row.Value(c), row.Format))))
                  .Append(" | ").Append(ratio is double q ? q.ToString("F2", CultureInfo.InvariantCulture) + "×" : "–")
                  .Append(" | ").Append(row.Goal).Append(" | ").Append(met).AppendLine(" |");
            }
            sb.AppendLine();
            foreach (var c in columns)
                sb.Append("- ").Append(c.Name).Append(": epochs ")
                  .Append(string.Join(", ", c.EpochSeconds.Select(s => s.ToString("F2", CultureInfo.InvariantCulture) + " s")))
                  .Append("; ").AppendLine(c.Detail);
            return sb.ToString();
        }

        private static string Format(double? value, string format) =>
            value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
    }
}
