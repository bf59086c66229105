using System;
using System.Threading;
using System.Threading.Tasks;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// What a process's first fit pays once — libtorch's native load and MKL's first product, about 0.2 s measured — started
    /// in the background when the first Mlp trainer is created, so that it overlaps with what the caller and the fit do before
    /// the first product (reading data, the pipeline's other transforms, the fit's checks, profile and feature scaling). Only
    /// that: also compiling the engine's hot methods in the background was measured to slow the first fit down (it competes
    /// with the fit's own JIT on two cores). It changes no result: nothing it touches is state a fit reads.
    /// </summary>
    internal static class EngineWarmUp
    {
        private static Task s_warmUp;

        /// <summary>The warm-up once started, else null.</summary>
        public static Task Started => Volatile.Read(ref s_warmUp);

        /// <summary>Starts the warm-up once per process; later calls return the same task.</summary>
        public static Task Start()
        {
            if (Volatile.Read(ref s_warmUp) is Task started)
                return started;
            var task = new Task(Warm);
            if (Interlocked.CompareExchange(ref s_warmUp, task, null) != null)
                return s_warmUp;
            task.Start(TaskScheduler.Default);
            return task;
        }

        /// <summary>The exception the warm-up met, or null: it never throws, as a fit reports any real problem itself.</summary>
        public static Exception Failure { get; private set; }

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
