using System;
using System.Runtime;

namespace Microsoft.ML.Trainers.Mlp.Engine.Reference
{
    /// <summary>
    /// Runs torch code of the reference path with no garbage collection during it. TorchSharp 0.107 turns numbers into
    /// Scalars it does not keep alive (dotnet/TorchSharp#1434: torch's own optimizers and many ops do it): a collection in
    /// the middle of the native call can finalize the Scalar first, and libtorch fails with "Unknown scalar type" (seen in
    /// about 1 of 3 full test runs). The fast path passes no Scalar; this path is a test oracle, so pausing is affordable.
    /// </summary>
    internal static class WithoutCollection
    {
        /// <summary>Bytes the action may allocate: a reference step of the test networks measured up to 46 KB.</summary>
        private const long Budget = 4 << 20;

        public static void Run(Action action)
        {
            bool paused = false;
            try
            {
                paused = GC.TryStartNoGCRegion(Budget);
            }
            catch (InvalidOperationException)
            {
                // already inside a no-GC region
            }
            try
            {
                action();
            }
            finally
            {
                if (paused && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                    GC.EndNoGCRegion();
            }
        }
    }
}
