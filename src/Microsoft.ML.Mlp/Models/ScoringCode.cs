using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Compiles the code every scored row runs — the models' mappers and heads, <see cref="InferenceNetwork"/>'s row path,
    /// its kernels, activations and softmax, all marked AggressiveOptimization, so compiled once, fully, at their first call
    /// anyway — on a background thread, once per process, when a fit starts training or a model is loaded. Measured on the
    /// seed model (AMD EPYC): a process's first <c>Transform</c> pass otherwise spent ~15–20 ms of its ~60–75 ms compiling
    /// them. During a fit the second core is idle (training runs on one thread by default); a fresh process that scores
    /// right after loading at worst compiles a method on both threads' behalf once (the JIT compiles each method once and
    /// makes other callers wait). The compiled code is what the first call would have made: no result changes.
    /// </summary>
    internal static class ScoringCode
    {
        private static Task s_compilation;

        /// <summary>The background compilation once started, else null (tests wait for it).</summary>
        internal static Task Compilation => Volatile.Read(ref s_compilation);

        /// <summary>Starts the compilation once per process; later calls do nothing.</summary>
        public static void CompileInBackground()
        {
            if (Volatile.Read(ref s_compilation) != null)
                return;
            var task = new Task(Compile);
            if (Interlocked.CompareExchange(ref s_compilation, task, null) == null)
                task.Start(TaskScheduler.Default);
        }

        private static void Compile()
        {
            try
            {
                foreach (var (method, instantiation) in Methods())
                    RuntimeHelpers.PrepareMethod(method.MethodHandle, instantiation);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or TypeLoadException or MissingMethodException or InvalidOperationException)
            {
                // what is left is compiled at its first call instead, as without this
            }
        }

        /// <summary>The row path's optimised methods: the engine's scoring classes and the three models' (closed over their
        /// Score types where the class is generic).</summary>
        internal static IEnumerable<(MethodBase Method, RuntimeTypeHandle[] Instantiation)> Methods()
        {
            const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
            // Of the kernels and activations only what a row runs: training's are compiled by training.
            var rowKernels = new[] { nameof(Kernels.AccumulateRows), nameof(Kernels.AccumulateNonZeros), nameof(ActivationFunction.Forward) };
            var engine = new[] { typeof(InferenceNetwork), typeof(Activations), typeof(FiniteValues) };
            var kernels = new[] { typeof(Kernels) }.Concat(typeof(ActivationFunction).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ActivationFunction)) && !t.IsAbstract));
            var models = new[] { typeof(MlpMulticlassModelParameters), typeof(MlpBinaryModelParameters), typeof(MlpRegressionModelParameters),
                typeof(MlpModelParametersBase<VBuffer<float>>), typeof(MlpModelParametersBase<float>) };
            // The mapper lambdas live in compiler-made classes nested in the generic base.
            var closures = models.Where(t => t.IsGenericType).SelectMany(t => t.GetGenericTypeDefinition().GetNestedTypes(BindingFlags.NonPublic)
                .Select(n => n.MakeGenericType(t.GetGenericArguments())));
            foreach (var type in engine.Concat(kernels).Concat(models).Concat(closures))
            {
                var instantiation = type.IsGenericType ? type.GetGenericArguments().Select(a => a.TypeHandle).ToArray() : null;
                foreach (var method in type.GetMethods(all))
                    if (!method.IsAbstract && !method.ContainsGenericParameters
                        && (method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0
                        && (!kernels.Contains(type) || rowKernels.Contains(method.Name)))
                        yield return (method, instantiation);
            }
        }
    }
}
