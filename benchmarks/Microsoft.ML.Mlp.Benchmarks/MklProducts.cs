using System;
using System.Reflection;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>--mkl-products: the library's internal switch that keeps every product in MKL's sgemm, so that a run can
    /// measure what the managed replica of MKL's products (same bits) saves.</summary>
    internal static class MklProducts
    {
        public static void KeepInMkl()
        {
            var replica = typeof(Microsoft.ML.Trainers.Mlp.MlpOptionsBase).Assembly.GetType("Microsoft.ML.Trainers.Mlp.Engine.SgemmReplica", throwOnError: true);
            var disabled = replica.GetProperty("Disabled", BindingFlags.Static | BindingFlags.NonPublic)
                ?? throw new InvalidOperationException("SgemmReplica.Disabled not found.");
            disabled.SetValue(null, true);
        }
    }
}
