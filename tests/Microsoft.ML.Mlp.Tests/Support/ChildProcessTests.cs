using System;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>The helper behind the second-process tests: no deadlock on chatty children, and a hang is cut off, not waited out.</summary>
    public class ChildProcessTests
    {
        [Fact]
        public void BothStreamsAreDrainedWhenEachOverflowsAPipeBuffer()
        {
            // 256 KiB on stderr first, then on stdout: reading stdout to the end before stderr would deadlock here.
            var run = ChildProcess.Run("sh", new[] { "-c", "head -c 262144 /dev/zero | tr '\\0' e >&2; head -c 262144 /dev/zero | tr '\\0' o; exit 3" },
                hangGuard: TimeSpan.FromMinutes(2));
            Assert.Equal(3, run.ExitCode);
            Assert.Equal(new string('o', 262144), run.StandardOutput);
            Assert.Equal(new string('e', 262144), run.StandardError);
        }

        [Fact]
        public void AChildThatNeverExitsIsKilledAtTheHangGuard()
        {
            // Never exits by itself, so the outcome does not depend on how fast this machine is.
            var e = Assert.Throws<TimeoutException>(() => ChildProcess.Run("sleep", new[] { "infinity" }, hangGuard: TimeSpan.FromSeconds(1)));
            Assert.Contains("did not exit", e.Message);
        }
    }
}
