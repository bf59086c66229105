using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Microsoft.ML.Mlp.Benchmarks.Text
{
    /// <summary>
    /// The <c>text</c> mode: issue 10's text case side by side. Each trainer runs in its own child process (fresh heap,
    /// its own peak memory, and an out-of-memory death reported as that trainer's result), one after another.
    /// </summary>
    public static class TextBenchmark
    {
        public static int Run(TextHarnessOptions options)
        {
            Console.WriteLine($"Text case: {options.Documents:N0} synthetic documents (5 classes, ~40 words each), "
                + $"{Math.Max(200, options.Documents / 5):N0} held out; default FeaturizeText; Mlp: one hidden layer of {options.Hidden}, {options.Epochs} epoch(s)");
            var outcomes = new List<(string Trainer, ChildOutcome Outcome)>();
            foreach (var trainer in TextTrainerRun.Trainers.Where(t => !(options.SkipMlp && t == "Mlp")))
            {
                Console.WriteLine($"[{trainer}] fitting …");
                var outcome = ChildRun.Run(options.ChildArguments("text-run", trainer));
                Console.WriteLine($"[{trainer}] {outcome.Status}");
                outcomes.Add((trainer, outcome));
            }
            Console.WriteLine();
            Console.WriteLine(Render(options, outcomes));
            return 0;
        }

        private static string Render(TextHarnessOptions options, IReadOnlyList<(string Trainer, ChildOutcome Outcome)> outcomes)
        {
            var slots = outcomes.Select(o => o.Outcome.Number("slots")).FirstOrDefault(s => s != null);
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"{options.Documents:N0} documents → FeaturizeText → {(slots is double s ? s.ToString("N0", CultureInfo.InvariantCulture) : "?")}-slot sparse vector")
              .AppendLine(CultureInfo.InvariantCulture, $" (Mlp: hidden {options.Hidden}, {options.Epochs} epoch(s)):");
            sb.AppendLine();
            sb.AppendLine("| trainer | fit time, s | peak memory, MiB | accuracy | status |");
            sb.AppendLine("|---|---:|---:|---:|---|");
            foreach (var (trainer, o) in outcomes)
                sb.Append("| ").Append(trainer).Append(" | ").Append(Format(o.Number("fit_seconds"), "F1"))
                  .Append(" | ").Append(Format(o.Number("peak_mib"), "N0")).Append(" | ").Append(Format(o.Number("accuracy"), "F3"))
                  .Append(" | ").Append(o.Status).AppendLine(" |");
            sb.AppendLine();
            sb.AppendLine("Fit time: MapValueToKey → FeaturizeText → trainer, `Fit` on documents already in memory. Peak memory: the growth of the");
            sb.AppendLine("process's peak resident set (VmHWM, native memory included) during that fit. Accuracy: micro accuracy on the held-out documents.");

            var sdca = outcomes.FirstOrDefault(o => o.Trainer == "SdcaMaximumEntropy").Outcome;
            var mlp = outcomes.FirstOrDefault(o => o.Trainer == "Mlp").Outcome;
            if (sdca?.Number("fit_seconds") is double sdcaTime && mlp != null)
            {
                sb.AppendLine();
                double timeGoal = Math.Max(5, 3 * sdcaTime);
                sb.AppendLine(Goal($"Mlp fit ≤ max(5 s, 3 × SDCA) = {timeGoal:F1} s", mlp.Number("fit_seconds"), v => v <= timeGoal, "F1", " s"));
                double? memoryGoal = options.Documents switch { 5000 => 1536, 20000 => 2560, _ => null };
                if (memoryGoal is double limit)
                    sb.AppendLine(Goal($"Mlp peak ≤ {limit:N0} MiB", mlp.Number("peak_mib"), v => v <= limit, "N0", " MiB"));
                if (sdca.Number("accuracy") is double sdcaAccuracy)
                    sb.AppendLine(Goal($"Mlp accuracy within 0.02 of SDCA ({sdcaAccuracy:F3})", mlp.Number("accuracy"), v => v >= sdcaAccuracy - 0.02, "F3", ""));
            }
            return sb.ToString();
        }

        private static string Goal(string goal, double? value, Func<double, bool> met, string format, string unit) =>
            $"- {goal}: " + (value is double v ? $"{v.ToString(format, CultureInfo.InvariantCulture)}{unit}, {(met(v) ? "met" : "not met")}" : "not measured");

        private static string Format(double? value, string format) =>
            value is double v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";
    }
}
