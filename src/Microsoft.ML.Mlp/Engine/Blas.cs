using System;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// libtorch's own BLAS (MKL's <c>sgemm_</c>, exported by libtorch_cpu) called directly: a libtorch product costs its
    /// operands' tensor objects, the dispatcher and argument checks every time, which on a small network's many small
    /// products (training steps, 256-row scoring blocks) cost more than the arithmetic. Same library and function as
    /// libtorch's addmm_ for floats, and — where the callers pass addmm_'s own arguments — the same bits. MKL's threads are
    /// the calling thread's (libtorch sets them per thread with its intra-op count; <see cref="SetThreadsOfThisThread"/>
    /// overrides them). Where the exports are not found (libtorch's Windows build has none) callers use libtorch's product.
    /// </summary>
    internal static unsafe class Blas
    {
        private static readonly delegate* unmanaged<byte*, byte*, int*, int*, int*, float*, float*, int*, float*, int*, float*, float*, int*, void> s_sgemm;
        private static readonly delegate* unmanaged<int*, int> s_setLocalThreads;
        private static readonly delegate* unmanaged<int> s_maxThreads;

        static Blas()
        {
            // libtorch is loaded (by TorchSharp) before its symbols are looked up, so that the name finds that very library
            // (the dynamic loader matches an already loaded one by its soname), never another copy on the library path.
            EngineWarmUp.Start().Wait();
            if (EngineWarmUp.Failure != null)
                return;
            foreach (string name in new[] { "libtorch_cpu.so", "libtorch_cpu.dylib", "torch_cpu.dll" })
            {
                if (!NativeLibrary.TryLoad(name, out var library))
                    continue;
                // Both or neither: a product is only run directly where its threads can be set.
                if (NativeLibrary.TryGetExport(library, "sgemm_", out var sgemm) && NativeLibrary.TryGetExport(library, "mkl_set_num_threads_local", out var local))
                {
                    if (NativeLibrary.TryGetExport(library, "mkl_get_max_threads", out var max))
                        s_maxThreads = (delegate* unmanaged<int>)max;
                    s_sgemm = (delegate* unmanaged<byte*, byte*, int*, int*, int*, float*, float*, int*, float*, int*, float*, float*, int*, void>)sgemm;
                    s_setLocalThreads = (delegate* unmanaged<int*, int>)local;
                }
                return;
            }
        }

        /// <summary>Whether the products can run (libtorch loaded and exporting <c>sgemm_</c>).</summary>
        public static bool Available => s_sgemm != null && !UseLibTorchProducts;

        /// <summary>Tests only: true sends every product through libtorch, to check the direct calls give its very bits.</summary>
        internal static bool UseLibTorchProducts { get; set; }

        /// <summary>
        /// Row-major c[m, n] (row length <paramref name="ldc"/>) = beta · c + a · b, where b ([k, n]) and a ([m, k]) are each
        /// stored row-major as they are (leading dimension = stored row length), or transposed. Column-major BLAS sees
        /// row-major matrices transposed, so it computes cᵀ = bᵀ · aᵀ: b is its first operand — as libtorch's addmm_ calls it.
        /// </summary>
        public static void Product(bool bTransposed, float* b, int ldb, bool aTransposed, float* a, int lda, float* c, int ldc, int m, int n, int k, float beta)
        {
            byte transB = (byte)(bTransposed ? 'T' : 'N'), transA = (byte)(aTransposed ? 'T' : 'N');
            float alpha = 1;
            s_sgemm(&transB, &transA, &n, &m, &k, &alpha, b, &ldb, a, &lda, &beta, c, &ldc);
        }

        /// <summary>Whether <see cref="ThreadsOfThisThread"/> can be read (what <see cref="SgemmReplica"/> needs besides the products).</summary>
        public static bool ThreadsReadable => s_maxThreads != null;

        /// <summary>MKL's threads for products the calling thread runs (its own setting, else the process-wide one).</summary>
        public static int ThreadsOfThisThread => s_maxThreads();

        /// <summary>MKL's threads for products the calling thread runs from now on (0: back to the process-wide setting);
        /// returns the previous value for this thread.</summary>
        public static int SetThreadsOfThisThread(int threads) => s_setLocalThreads(&threads); // exported with the Fortran interface: by reference
    }
}
