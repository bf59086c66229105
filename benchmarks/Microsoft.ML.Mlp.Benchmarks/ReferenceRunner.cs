using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>Runs benchmarks/reference/run-reference.sh (PyTorch with reference BLAS, then OpenBLAS) and reads its RESULT lines.</summary>
    public static class ReferenceRunner
    {
        private const string ResultPrefix = "RESULT ";

        /// <summary>One <see cref="Figures"/> per variant that finished; empty when the script failed (reported, not thrown).</summary>
        public static IReadOnlyList<Figures> Run(string script, string dataDirectory, int epochs)
        {
            script ??= Path.Combine(AppContext.BaseDirectory, "reference", "run-reference.sh");
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in new[] { script, "--variant", "both", "--epochs", epochs.ToString(), "--data", dataDirectory })
                start.ArgumentList.Add(arg);

            var results = new List<Figures>();
            using var process = Process.Start(start);
            string line;
            while ((line = process.StandardOutput.ReadLine()) != null)
            {
                if (line.StartsWith(ResultPrefix, StringComparison.Ordinal))
                    results.Add(Parse(line.Substring(ResultPrefix.Length)));
                else
                    Console.WriteLine(line); // the script's own progress lines are already labelled
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
                Console.Error.WriteLine($"warning: {script} exited with {process.ExitCode}; PyTorch columns may be missing.");
            return results;
        }

        private static Figures Parse(string json)
        {
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            double Number(string name) => r.GetProperty(name).GetDouble();
            string label = r.GetProperty("label").GetString();
            return new Figures
            {
                Name = label switch
                {
                    "pytorch-refblas" => "PyTorch ref BLAS",
                    "pytorch-openblas" => "PyTorch OpenBLAS",
                    _ => label,
                },
                EpochSeconds = r.GetProperty("epoch_seconds").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
                Accuracy = Number("accuracy"),
                ScoringRowsPerSecond = Number("scoring_rows_per_s"),
                SingleRowP50Microseconds = Number("single_row_p50_us"),
                SingleRowP99Microseconds = Number("single_row_p99_us"),
                LoadSeconds = Number("load_seconds"),
                PeakMemoryMiB = Number("peak_rss_mib"),
                Detail = $"torch {r.GetProperty("torch").GetString()}, {r.GetProperty("blas").GetString()}, {r.GetProperty("threads").GetInt32()} thread(s)",
            };
        }
    }
}
