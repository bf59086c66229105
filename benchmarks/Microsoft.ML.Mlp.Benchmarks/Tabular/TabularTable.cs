using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Microsoft.ML.Mlp.Benchmarks.Tabular
{
    /// <summary>The <c>tabular</c> mode's Markdown: one row per data set, the summary the issue asks for, then what each column is.</summary>
    public static class TabularTable
    {
        private static readonly string[] s_others =
            { TabularResult.LightGbm, TabularResult.FastTree, TabularResult.Linear, TabularResult.Voting, TabularResult.Stacking };

        public static string Render(IReadOnlyList<TabularResult> results, TabularOptions options, TimeSpan elapsed)
        {
            var sb = new StringBuilder();
            sb.AppendLine("## Tabular suite: Mlp beside ML.NET's trainers").AppendLine();
            sb.AppendLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {SideBySide.CpuModel()}, {Environment.ProcessorCount} logical CPUs; " +
                          $"{options.Describe()}; {results.Count} data set(s) in {elapsed.TotalMinutes:F1} min.").AppendLine();
            sb.AppendLine($"| data set | task / metric | Mlp (mean ± sd, {options.Seeds} seed{(options.Seeds == 1 ? "" : "s")}) | LightGbm | FastTree | linear | voting | stacking | Mlp fit s | LightGbm fit s |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in results)
                sb.AppendLine(Row(r));
            sb.AppendLine();
            Summary(sb, results);
            sb.AppendLine();
            Notes(sb, results, options);
            return sb.ToString();
        }

        private static string Row(TabularResult r)
        {
            // The best figure of the row in bold (ties too).
            double? best = new[] { r.MlpMean }.Concat(s_others.Select(r.Score)).Max();
            string Cell(double? value, string trainer)
            {
                if (value is not double v)
                    return Failed(r, trainer) ? "failed" : "–";
                string text = F4(v);
                if (trainer == "Mlp" && r.MlpStandardDeviation is double sd)
                    text += " ± " + F4(sd);
                return v == best ? $"**{text}**" : text;
            }
            return $"| {r.Dataset.Name} | {r.Dataset.Task} / {r.Metric} | {Cell(r.MlpMean, "Mlp")} | " +
                   string.Join(" | ", s_others.Select(t => Cell(r.Score(t), t))) +
                   $" | {F2(r.MlpSeconds)} | {F2(r.Seconds(TabularResult.LightGbm))} |";
        }

        private static bool Failed(TabularResult r, string trainer) => r.Failures.Any(f => f.StartsWith(trainer, StringComparison.Ordinal) || f.StartsWith("loading"));

        private static void Summary(StringBuilder sb, IReadOnlyList<TabularResult> results)
        {
            var vsGbm = results.Where(r => r.MlpMean != null && r.Score(TabularResult.LightGbm) != null)
                .Select(r => r.MlpMean.Value - r.Score(TabularResult.LightGbm).Value).ToList();
            var vsLinear = results.Where(r => r.MlpMean != null && r.Score(TabularResult.Linear) != null)
                .Select(r => r.MlpMean.Value - r.Score(TabularResult.Linear).Value).ToList();
            var ensembles = results
                .Select(r => (Ensemble: Max(r.Score(TabularResult.Voting), r.Score(TabularResult.Stacking)), Members: Max(r.MlpMean, r.Score(TabularResult.LightGbm))))
                .Where(e => e.Ensemble != null && e.Members != null).Select(e => e.Ensemble.Value - e.Members.Value).ToList();
            var seconds = results.Where(r => r.MlpSeconds != null).OrderBy(r => r.MlpSeconds).ToList();

            sb.AppendLine("| summary | value |").AppendLine("|---|---:|");
            sb.AppendLine($"| data sets where Mlp mean ≥ LightGbm − 0.002 | {Count(vsGbm, d => d >= -0.002)} |");
            sb.AppendLine($"| mean gap, Mlp mean − LightGbm | {(vsGbm.Count == 0 ? "–" : vsGbm.Average().ToString("+0.0000;−0.0000", CultureInfo.InvariantCulture))} |");
            sb.AppendLine($"| data sets where Mlp mean ≥ linear − 0.02 | {Count(vsLinear, d => d >= -0.02)} |");
            sb.AppendLine($"| data sets where max(voting, stacking) ≥ max(Mlp mean, LightGbm) − 0.002 | {Count(ensembles, d => d >= -0.002)} |");
            sb.AppendLine($"| Mlp fit s (mean over seeds), median over data sets | {(seconds.Count == 0 ? "–" : F2(Median(seconds.Select(r => r.MlpSeconds.Value).ToList())))} |");
            sb.AppendLine($"| Mlp fit s (mean over seeds), largest | {(seconds.Count == 0 ? "–" : $"{F2(seconds[^1].MlpSeconds)} ({seconds[^1].Dataset.Name})")} |");
        }

        private static void Notes(StringBuilder sb, IReadOnlyList<TabularResult> results, TabularOptions options)
        {
            sb.AppendLine("- Every trainer with ML.NET's defaults on the same features: one-hot categoricals, mean-imputed numerics, concatenated and " +
                          "mean-variance normalised (fitted on train). Metric on the test file: multiclass micro-accuracy, binary AUC, regression R².");
            sb.AppendLine("- linear: multiclass LbfgsMaximumEntropy, binary LbfgsLogisticRegression, regression Sdca. FastTree on multiclass: " +
                          "OneVersusAll(FastTree binary), as ML.NET has no multiclass FastTree.");
            sb.AppendLine("- voting: SoftVotingEnsemble (regression: VotingEnsemble) of Mlp seed 0 + LightGbm, equal weights; stacking: StackingEnsemble " +
                          "of the same two, 5 folds, default meta-trainer, fold seed 0. The best figure of each row is in bold.");
            sb.AppendLine("- fit s: Stopwatch around Fit on the cached, featurised training rows (featurisation not included), after an untimed warm-up fit.");
            if (options.MlpOnly)
                sb.AppendLine("- --only mlp: FastTree, voting and stacking not run (–).");
            foreach (var group in results.GroupBy(r => r.Dataset.Task))
            {
                var missing = options.Settings.Missing(TaskTrainers.MlpOptionsType(group.Key)).ToList();
                if (missing.Count > 0)
                    sb.AppendLine($"- --set {string.Join(", ", missing)}: not a member of the {group.Key} Mlp options, not applied there.");
            }
            foreach (var r in results)
                foreach (var failure in r.Failures)
                    sb.AppendLine($"- Failed: {r.Dataset.Name}, {failure}");
        }

        private static double? Max(double? a, double? b) => a is double x ? (b is double y ? Math.Max(x, y) : x) : b;

        private static string Count(List<double> values, Func<double, bool> holds) =>
            values.Count == 0 ? "–" : $"{values.Count(holds)} / {values.Count}";

        private static double Median(List<double> sorted) =>
            sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

        private static string F4(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        private static string F2(double? v) => v is double x ? x.ToString("F2", CultureInfo.InvariantCulture) : "–";
    }
}
