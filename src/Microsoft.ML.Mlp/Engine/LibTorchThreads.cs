using System;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// libtorch's intra-op thread count for the length of a run: set on creation, the caller's count put back on
    /// <see cref="Dispose"/>. The count is process-wide, so a run must not leave its own behind.
    /// </summary>
    internal sealed class LibTorchThreads : IDisposable
    {
        private readonly int _callers = get_num_threads();

        /// <param name="threads">The count for the run.</param>
        public LibTorchThreads(int threads) => set_num_threads(threads);

        /// <summary>The thread count a run uses: one per member when members run side by side, else the settings' count.</summary>
        public static LibTorchThreads For(TrainingSettings settings) => new(settings.MemberThreads > 1 ? 1 : settings.Threads);

        /// <summary>Puts the caller's count back.</summary>
        public void Dispose() => set_num_threads(_callers);
    }
}
