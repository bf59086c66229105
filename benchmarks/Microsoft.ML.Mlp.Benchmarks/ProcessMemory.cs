using System.Diagnostics;
using System.IO;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>Peak resident memory. VmHWM counts native (libtorch) memory too, which the GC never sees.</summary>
    public static class ProcessMemory
    {
        public static double PeakMiB()
        {
            const string status = "/proc/self/status";
            if (File.Exists(status))
                foreach (var line in File.ReadLines(status))
                    if (line.StartsWith("VmHWM:"))
                        return long.Parse(line.Substring(6).Trim().Split(' ')[0]) / 1024.0; // kB
            using var self = Process.GetCurrentProcess();
            return self.PeakWorkingSet64 / (1024.0 * 1024.0);
        }
    }
}
