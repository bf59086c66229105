using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// Same data, options and seed → the same bits in every process, whatever the heap layout. On AMD EPYC (AVX-512)
    /// MKL's sgemm summed in another order when its operands sat at other addresses modulo 64, so fits in two processes
    /// differed; the engine now keeps every buffer libtorch touches 64-byte aligned.
    /// </summary>
    public class DeterminismTests
    {
        [Fact]
        public void FitsInSeparateProcessesWithShiftedHeapsAreBitIdentical()
        {
            var runs = new[] { 0, 1, 2 }.Select(FitInFreshProcess).ToArray();

            // The shifts must really have moved the heap, or this test would prove nothing.
            Assert.True(runs.Select(r => r.Address).Distinct().Count() > 1, "the heap shifts did not change any address modulo 64");
            Assert.Contains("history", runs[0].Output);
            for (int i = 1; i < runs.Length; i++)
                Assert.True(runs[0].Output == runs[i].Output,
                    $"process {i} (address mod 64 = {runs[i].Address}) fitted other bits than process 0 (address mod 64 = {runs[0].Address})");
        }

        /// <summary>Runs tests/FitChecker with a heap shift; returns what it printed and its probe address modulo 64.</summary>
        private static (string Output, string Address) FitInFreshProcess(int shift)
        {
            string checker = Path.Combine(AppContext.BaseDirectory.Replace("Microsoft.ML.Mlp.Tests", "FitChecker"), "FitChecker.dll");
            Assert.True(File.Exists(checker), $"FitChecker not built at {checker}");
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { checker, Digits.ImagesPath, Digits.LabelsPath, shift.ToString(CultureInfo.InvariantCulture) },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start);
            // Both pipes drained at once: a child that fills one while we block on the other would never exit.
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "FitChecker hung");
            Task.WaitAll(output, error);
            Assert.True(process.ExitCode == 0, $"FitChecker failed: {error.Result}");
            string address = error.Result.Split('\n').Single(l => l.StartsWith("address mod 64:", StringComparison.Ordinal));
            return (output.Result, address);
        }
    }
}
