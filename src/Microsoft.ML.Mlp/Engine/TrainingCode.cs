using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Compiles the training engine's optimised methods (AggressiveOptimization: compiled once, fully, at their first call
    /// anyway) on a thread of its own, started once per process when the first Mlp trainer is created, just before
    /// libtorch's background load (<see cref="EngineWarmUp.StartForTraining"/>; a process that only scores never starts it). Why then: while libtorch loads (its static constructors run inside dlopen, ~0.25 s) a thread created
    /// in the process waits for the load to end before it runs (its first use of thread-local storage takes the dynamic
    /// loader's lock), so a compile thread started any later compiles nothing until the load is over — which is why compiling
    /// "beside the load" was once measured to gain nothing. Started first, it compiles while the load runs. Measured on AMD
    /// EPYC (first-fit mode, 5 runs each, alternating): a process's first fit 0.35–0.52 s (median 0.42) over a warm fit
    /// against 0.44–0.52 (0.47) when the estimator is built just before Fit, 0.15–0.33 (0.19) against 0.30–0.38 (0.32) when
    /// it is built before the data is read. The compiled code is what the first call would have made: no result changes.
    /// </summary>
    internal static class TrainingCode
    {
        private static Thread s_thread;

        /// <summary>The compiling thread once started, else null (tests wait for it).</summary>
        internal static Thread Thread => Volatile.Read(ref s_thread);

        /// <summary>What stopped the compilation early, or null (tests check it); what it left is compiled at its first call.</summary>
        internal static Exception Failure { get; private set; }

        /// <summary>Starts the compilation on a new thread, once per process (<see cref="Thread.Start()"/> returns once the
        /// thread runs: started before libtorch's load, it is not created during it).</summary>
        public static void CompileOnThreadOfItsOwn()
        {
            var thread = new Thread(Compile) { IsBackground = true, Name = "Mlp training code" };
            if (Interlocked.CompareExchange(ref s_thread, thread, null) == null)
                thread.Start();
        }

        private static void Compile()
        {
            // Whatever happens here must not reach the thread's top (an exception there ends the process): the methods left
            // are compiled at their first call, as without this.
            try
            {
                foreach (var (method, instantiation) in Methods())
                    RuntimeHelpers.PrepareMethod(method.MethodHandle, instantiation);
            }
            catch (Exception e)
            {
                Failure = e;
            }
        }

        /// <summary>The optimised methods of a dense fit's steps: the training network, its dropout masks, optimizer, kernels
        /// and activations, the product kernel (each tile shape the products use), the row checks.</summary>
        internal static IEnumerable<(MethodBase Method, RuntimeTypeHandle[] Instantiation)> Methods()
        {
            const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
            var types = new[] { typeof(NetworkTrainer), typeof(FastTrainingNetwork), typeof(DropoutMasks), typeof(FastOptimizer), typeof(Kernels),
                typeof(BatchKernel), typeof(FiniteValues) }
                .Concat(typeof(ActivationFunction).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ActivationFunction)) && !t.IsAbstract));
            // BatchKernel's tile shapes: one body per (panels, rows) pair of its count types.
            var counts = typeof(BatchKernel).GetNestedTypes(BindingFlags.NonPublic).Where(t => t.IsValueType && t.GetInterfaces().Length == 1).ToArray();
            foreach (var type in types)
                foreach (var method in type.GetMethods(all))
                {
                    if (method.IsAbstract || (method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) == 0)
                        continue;
                    if (!method.ContainsGenericParameters)
                        yield return (method, null);
                    else if (type == typeof(BatchKernel) && method.GetGenericArguments().Length == 2)
                        foreach (var panels in counts)
                            foreach (var rows in counts)
                                yield return (((MethodInfo)method).MakeGenericMethod(panels, rows), null);
                }
        }
    }
}
