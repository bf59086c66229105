using System;
using System.Threading;
using System.Threading.Tasks;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// What a process's first fit pays once — libtorch's native load and MKL's first product, about 0.2 s measured — started
    /// in the background when the first Mlp trainer is created, so that it overlaps with what the caller and the fit do before
    /// the first product (reading data, the pipeline's other transforms, the fit's checks, profile and feature scaling) —
    /// as far as those bind no native function and start no thread meanwhile: both wait for the load to end (dlsym and a new
    /// thread's thread-local storage take the dynamic loader's lock, which dlopen holds through libtorch's static
    /// constructors; seen with a debugger and strace). So the functions a fit binds first are bound before the load
    /// (<see cref="BindEntryPointsTheFitCalls"/>), and a trainer's creation has the training engine compile on a thread
    /// started before it (<see cref="StartForTraining"/>). It changes no result: nothing it touches is state a fit reads.
    /// </summary>
    internal static class EngineWarmUp
    {
        private static Task s_warmUp;

        /// <summary>The warm-up once started, else null.</summary>
        public static Task Started => Volatile.Read(ref s_warmUp);

        /// <summary>True while the warm-up (libtorch's load) runs: threads created meanwhile wait for its end.</summary>
        public static bool Loading => Started is { IsCompleted: false };

        /// <summary>Starts the warm-up once per process; later calls return the same task.</summary>
        public static Task Start()
        {
            if (Volatile.Read(ref s_warmUp) is Task started)
                return started;
            var task = new Task(Warm);
            if (Interlocked.CompareExchange(ref s_warmUp, task, null) != null)
                return s_warmUp;
            try
            {
                BindEntryPointsTheFitCalls();
            }
            catch (Exception)
            {
                // only a head start: the fit binds them itself
            }
            finally
            {
                task.Start(TaskScheduler.Default); // whatever happened above: callers wait for this task
            }
            return task;
        }

        /// <summary><see cref="Start"/> for a trainer: first the training engine's compilation on a thread of its own
        /// (<see cref="TrainingCode"/>), which must exist before the load starts (a thread created during it waits for its end).</summary>
        public static Task StartForTraining()
        {
            try
            {
                TrainingCode.CompileOnThreadOfItsOwn();
            }
            catch (Exception)
            {
                // no head start: the fit compiles the engine at its first calls
            }
            return Start();
        }

        /// <summary>The exception the warm-up met, or null: it never throws, as a fit reports any real problem itself.</summary>
        public static Exception Failure { get; private set; }

        /// <summary>
        /// Binds, before the load starts, the native functions a fit's own thread first calls before it needs libtorch. Why:
        /// .NET binds a native function at its first call with dlsym, which takes the dynamic loader's lock, and dlopen holds
        /// that lock while libtorch's static constructors run (~0.25 s): a first call during the load waits for all of it.
        /// Found with a debugger's breakpoint on dlsym during a first fit: the clock (DateTime.UtcNow, ML.NET's channels)
        /// and madvise (<see cref="Data.FreshMemory"/>, reading the rows).
        /// </summary>
        private static void BindEntryPointsTheFitCalls()
        {
            _ = DateTime.UtcNow;
            Data.FreshMemory.Bind();
        }

        private static void Warm()
        {
            try
            {
                using (var a = zeros(64, 64))
                using (var b = a.mm(a))
                {
                }
            }
            catch (Exception e)
            {
                Failure = e;
            }
        }
    }
}
