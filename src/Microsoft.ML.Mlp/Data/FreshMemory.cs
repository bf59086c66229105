using System;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>
    /// Makes a large, just allocated array cheaper to fill. Filling new memory is bound by page faults, not bandwidth, and
    /// 2 MiB pages need about 25 times fewer faults than 4 KiB ones (the figures are in benchmarks/README.md). So on Linux the array
    /// asks for 2 MiB pages (<c>madvise(MADV_HUGEPAGE)</c>; the machine's transparent huge pages are "madvise", the
    /// common default). A hint: the contents are untouched, and where it is unsupported or refused nothing changes.
    /// (Mapping the whole range up front with <c>MADV_POPULATE_WRITE</c> was tried: no faster.)
    /// </summary>
    internal static class FreshMemory
    {
        private const int MadviseHugePage = 14;        // MADV_HUGEPAGE (asm-generic: x64 and arm64)
        private const int MadviseNormal = 0;           // MADV_NORMAL: no change
        private const long HugePageSize = 2L << 20;

        private static volatile bool s_unavailable;

        /// <summary>Prepares <paramref name="array"/>, just allocated and not yet written, for being filled: advises its
        /// 2 MiB-aligned interior; arrays under 4 MiB are left alone.</summary>
        public static unsafe void Prepare(float[] array)
        {
            long bytes = (long)array.Length * sizeof(float);
            if (s_unavailable || !OperatingSystem.IsLinux() || bytes < 2 * HugePageSize
                || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
                return;
            try
            {
                fixed (float* pointer = array)
                {
                    long start = ((long)pointer + HugePageSize - 1) & ~(HugePageSize - 1);
                    long end = ((long)pointer + bytes) & ~(HugePageSize - 1);
                    if (end > start)
                        Madvise((void*)start, (nuint)(end - start), MadviseHugePage); // advisory: the result changes nothing
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                s_unavailable = true;
            }
        }

        /// <summary>Binds madvise now (a call on no memory), so that the first real call does not bind it: see
        /// <see cref="Engine.EngineWarmUp"/>.</summary>
        public static unsafe void Bind()
        {
            if (s_unavailable || !OperatingSystem.IsLinux())
                return;
            try
            {
                Madvise(null, 0, MadviseNormal);
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
