using System;
using System.Diagnostics;
using System.Linq;
using static TorchSharp.torch;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>
    /// The arithmetic floor of one training epoch of the seed model on this machine (issue 19): every matrix product an epoch
    /// needs (per batch: each layer's forward product, its weight gradient, and the input gradient of every layer but the
    /// first), each timed alone at its own shape with libtorch's best sustained rate on one thread, summed over the epoch's
    /// batches. No training code can do the same products faster on this BLAS; the rest of an epoch (activations, dropout,
    /// batch norm, loss, optimizer, copies) is what "× floor" shows above 1.
    /// </summary>
    public static class GemmFloor
    {
        /// <summary>Seconds per epoch of the products alone, and the whole epoch's GFLOP.</summary>
        public static (double Seconds, double Gflop) SeedModelEpoch(int rows = 60_000, int batch = 32)
        {
            int[] widths = { 784, 50, 50, 50, 50, 10 };
            var shapes = new System.Collections.Generic.List<(int M, int K, int N)>();
            for (int l = 0; l < widths.Length - 1; l++)
            {
                shapes.Add((batch, widths[l], widths[l + 1]));       // forward: x · W
                shapes.Add((widths[l], batch, widths[l + 1]));       // weight gradient: xᵀ · dz
                if (l > 0)
                    shapes.Add((batch, widths[l + 1], widths[l]));   // input gradient: dz · Wᵀ (none needed for the first layer)
            }
            set_num_threads(1);
            double perBatch = shapes.Sum(s => BestSeconds(s.M, s.K, s.N));
            double batches = Math.Ceiling((double)rows / batch);
            double flop = shapes.Sum(s => 2.0 * s.M * s.K * s.N) * batches;
            return (perBatch * batches, flop / 1e9);
        }

        /// <summary>Best time of one [m, k] · [k, n] product over several timed runs of many products each.</summary>
        private static double BestSeconds(int m, int k, int n)
        {
            using var a = rand(m, k);
            using var b = rand(k, n);
            using var c = zeros(m, n);
            const int Products = 2_000;
            double best = double.MaxValue;
            for (int run = 0; run < 7; run++)
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < Products; i++)
                    c.addmm_(a, b, 0, 1); // into c, as the engine multiplies: no allocation
                best = Math.Min(best, clock.Elapsed.TotalSeconds / Products);
            }
            return best;
        }
    }
}
