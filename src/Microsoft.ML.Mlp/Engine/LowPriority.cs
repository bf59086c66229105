using System;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// The lowest priority for a thread of ours that compiles ahead (<see cref="TrainingCode"/>): on
    /// Linux its nice value, which is per thread, so that it takes a core only where libtorch's load, the caller's thread and
    /// the fit leave one idle; what it has not compiled when it is needed is compiled by its caller, as without it. Elsewhere
    /// nothing changes. Only for threads of our own that end with their work: a pool thread would keep the priority.
    /// Measured on AMD EPYC (first-fit mode, 8 runs each, alternating): with <see cref="TrainingCode"/> at the lowest
    /// priority the first fit took 0.33–0.48 s (mean 0.40) against 0.37–0.54 (0.44) at normal priority.
    /// </summary>
    internal static class LowPriority
    {
        private const int Nicest = 19;

        /// <summary>Binds the native call now, on the calling thread: a first call during libtorch's load would wait for its
        /// end (binding takes the dynamic loader's lock, which the load holds).</summary>
        public static void Bind() => Try(() => Marshal.Prelink(typeof(LowPriority).GetMethod(nameof(SetPriority), BindingFlags.NonPublic | BindingFlags.Static)));

        /// <summary>Lowers the calling thread's priority for the rest of its life.</summary>
        public static void ForThisThread() => Try(() => SetPriority(0, 0, Nicest)); // PRIO_PROCESS with 0: on Linux, the calling thread alone

        /// <summary>Only a hint: where the call cannot be made, the thread keeps its priority.</summary>
        private static void Try(Action call)
        {
            if (!OperatingSystem.IsLinux())
                return;
            try
            {
                call();
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or MarshalDirectiveException)
            {
            }
        }

        [DllImport("libc", EntryPoint = "setpriority")]
        private static extern int SetPriority(int which, int who, int priority);
    }
}
