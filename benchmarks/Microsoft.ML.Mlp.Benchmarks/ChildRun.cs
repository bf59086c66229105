using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.Json;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>What one child run reported: its RESULT fields, or how it ended when it could not say.</summary>
    public sealed record ChildOutcome(IReadOnlyDictionary<string, JsonElement> Result, int ExitCode, double WallSeconds, string LastError)
    {
        public bool Succeeded => Result != null && ExitCode == 0;

        public double? Number(string name) =>
            Result != null && Result.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

        public string Text(string name) =>
            Result != null && Result.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        /// <summary>"ok", the child's own failure text, or what the exit code says (137: killed, usually by the OOM killer).</summary>
        public string Status => Text("status") ?? ExitCode switch
        {
            0 => "no result",
            137 => "killed (SIGKILL, exit 137: out of memory?)",
            134 => "aborted (exit 134)" + (LastError == null ? "" : ": " + LastError),
            _ => $"exit {ExitCode}" + (LastError == null ? "" : ": " + LastError),
        };
    }

    /// <summary>
    /// Runs this program again as a child process for one measurement, so each one has a fresh heap, its own peak
    /// memory and its own fate: an out-of-memory death is reported, not fatal to the whole benchmark. The child prints
    /// one line <c>RESULT {json}</c>; its other lines are passed through.
    /// </summary>
    public static class ChildRun
    {
        public const string ResultPrefix = "RESULT ";

        public static ChildOutcome Run(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment = null)
        {
            var start = new ProcessStartInfo(Environment.ProcessPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            // Under `dotnet Microsoft.ML.Mlp.Benchmarks.dll` the process is the dotnet host: pass it the assembly again.
            if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
                start.ArgumentList.Add(typeof(ChildRun).Assembly.Location);
            foreach (var arg in args)
                start.ArgumentList.Add(arg);
            if (environment != null)
                foreach (var (name, value) in environment)
                    start.Environment[name] = value;

            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start);
            string lastError = null;
            process.ErrorDataReceived += (_, e) =>
            {
                if (string.IsNullOrWhiteSpace(e.Data))
                    return;
                Console.Error.WriteLine("  " + e.Data);
                if (e.Data.Contains("Exception") || e.Data.Contains("rror"))
                    lastError ??= e.Data.Trim();
            };
            process.BeginErrorReadLine();
            Dictionary<string, JsonElement> result = null;
            string line;
            while ((line = process.StandardOutput.ReadLine()) != null)
            {
                if (line.StartsWith(ResultPrefix, StringComparison.Ordinal))
                    result = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line.Substring(ResultPrefix.Length));
                else
                    Console.WriteLine("  " + line);
            }
            process.WaitForExit();
            return new ChildOutcome(result, process.ExitCode, clock.Elapsed.TotalSeconds, lastError);
        }

        /// <summary>The child's side: prints the one RESULT line.</summary>
        public static void Report(object fields) =>
            Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(fields));
    }
}
