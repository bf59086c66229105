using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Gives the memory of a dropped network back before the next one is made. A text model's first layer is hundreds of
    /// MB per copy (3.1M inputs × 64: 768 MiB), and a fit drops such copies: the initial weights once copied into the
    /// training network, its gradients and optimizer moments before the result is copied out, the rest after. Left to the
    /// GC, that garbage still counts when the next copies are made, and the process's peak grows by it (measured, 100,000
    /// documents: 7.0 GiB before, 2.8 GiB now). The callers must not keep the dropped objects reachable (an unoptimised
    /// frame keeps its temporaries to its end: see LazyTrainingNetwork.Create), and a wide array whose memory should come
    /// back belongs on the pinned heap: the GC kept a freed large-object-heap array resident.
    /// </summary>
    internal static class LargeMemory
    {
        /// <summary>Below this many dropped bytes the GC is left alone: small networks never pay for a collection.</summary>
        public const long Threshold = 256L << 20;

        /// <summary>A full, compacting collection that returns freed memory to the system, when <paramref name="droppedFloats"/>
        /// floats just became garbage and they are at least <see cref="Threshold"/> bytes.</summary>
        public static void Release(long droppedFloats)
        {
            if (droppedFloats * sizeof(float) >= Threshold)
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }
}
