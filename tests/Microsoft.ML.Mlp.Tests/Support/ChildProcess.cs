using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// Runs a child process to completion. Standard output and standard error are drained concurrently: reading one to the end
    /// before the other deadlocks as soon as the child fills the other pipe's buffer (64 KiB on Linux), e.g. with a long
    /// stack trace or warnings. The timeout only guards against a hang; a healthy run never comes near it.
    /// </summary>
    internal static class ChildProcess
    {
        public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

        /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/>; throws <see cref="TimeoutException"/> (after
        /// killing the whole process tree) if it has not exited after <paramref name="hangGuard"/>.</summary>
        public static Result Run(string fileName, IEnumerable<string> arguments, TimeSpan hangGuard)
        {
            var start = new ProcessStartInfo(fileName)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true, // the child never waits on the test host's console
                UseShellExecute = false,
            };
            foreach (string argument in arguments)
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start);
            process.StandardInput.Close();
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(hangGuard))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new TimeoutException($"{fileName} {string.Join(" ", start.ArgumentList)} did not exit within {hangGuard}. "
                    + $"stdout so far:\n{output.Result}\nstderr so far:\n{error.Result}");
            }
            // Both pipes reach end-of-file once the child and anything it started have exited.
            return new Result(process.ExitCode, output.Result, error.Result);
        }
    }
}
