using System;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>
    /// Asks Linux to back a large, not yet touched array with 2 MiB pages (<c>madvise(MADV_HUGEPAGE)</c>).
    /// Why: filling fresh memory is bound by page faults, not by bandwidth. On the 2-core VM we measure on, the first
    /// write to 188 MB of new 4 KiB pages took 1.2–1.7 s (≈0.13 GB/s) against 0.2–0.9 s with huge pages; a copy into
    /// memory already mapped runs at 4–8 GB/s. A hint only: where it is unsupported or refused nothing changes.
    /// </summary>
    internal static class HugePageHint
    {
        private const int MadviseHugePage = 14;           // MADV_HUGEPAGE (asm-generic: x64 and arm64)
        private const long HugePageSize = 2L << 20;

        private static volatile bool s_unavailable;

        /// <summary>Advises the 2 MiB-aligned interior of <paramref name="array"/>; arrays under 4 MiB are left alone.</summary>
        public static unsafe void Advise(float[] array)
        {
            if (s_unavailable || !OperatingSystem.IsLinux() || (long)array.Length * sizeof(float) < 2 * HugePageSize
                || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
                return;
            try
            {
                fixed (float* first = array)
                {
                    long start = ((long)first + HugePageSize - 1) & ~(HugePageSize - 1);
                    long end = ((long)first + (long)array.Length * sizeof(float)) & ~(HugePageSize - 1);
                    if (end > start)
                        Madvise((void*)start, (nuint)(end - start), MadviseHugePage); // the result is advisory too
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                s_unavailable = true;
            }
        }

        [DllImport("libc", EntryPoint = "madvise")]
        private static extern unsafe int Madvise(void* address, nuint length, int advice);
    }
}
