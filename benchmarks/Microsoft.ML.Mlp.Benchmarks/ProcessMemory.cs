using System.Diagnostics;
using System.IO;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>Resident memory of this process. VmHWM/VmRSS count native (libtorch) memory too, which the GC never sees.</summary>
    public static class ProcessMemory
    {
        private const string Status = "/proc/self/status";

        /// <summary>Peak resident memory (VmHWM), MiB: since the process started or since <see cref="ResetPeak"/>.</summary>
        public static double PeakMiB() => StatusMiB("VmHWM:") ?? PeakWorkingSetMiB();

        /// <summary>Resident memory now (VmRSS), MiB.</summary>
        public static double CurrentMiB()
        {
            using var self = Process.GetCurrentProcess();
            return StatusMiB("VmRSS:") ?? self.WorkingSet64 / (1024.0 * 1024.0);
        }

        /// <summary>Restarts VmHWM from the current resident size (Linux: "5" into /proc/self/clear_refs), so the next
        /// <see cref="PeakMiB"/> is the peak of what runs in between. False where that is not possible.</summary>
        public static bool ResetPeak()
        {
            try
            {
                File.WriteAllText("/proc/self/clear_refs", "5");
                return true;
            }
            catch (IOException) { return false; }
            catch (System.UnauthorizedAccessException) { return false; }
        }

        private static double? StatusMiB(string field)
        {
            if (!File.Exists(Status))
                return null;
            foreach (var line in File.ReadLines(Status))
                if (line.StartsWith(field))
                    return long.Parse(line.Substring(field.Length).Trim().Split(' ')[0]) / 1024.0; // kB
            return null;
        }

        private static double PeakWorkingSetMiB()
        {
            using var self = Process.GetCurrentProcess();
            return self.PeakWorkingSet64 / (1024.0 * 1024.0);
        }
    }
}
