using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary><see cref="LibTorchThreads"/> alone: a run's thread count lasts as long as the run.</summary>
    public class LibTorchThreadsTests
    {
        [Fact]
        public void SetsTheCountForTheRunAndPutsTheCallersBack()
        {
            int callers = get_num_threads();
            int run = callers == 1 ? 2 : 1;
            using (new LibTorchThreads(run))
                Assert.Equal(run, get_num_threads());
            Assert.Equal(callers, get_num_threads());
        }

        [Fact]
        public void MembersSideBySideRunLibTorchOnOneThreadEach()
        {
            int callers = get_num_threads();
            using (LibTorchThreads.For(new TrainingSettings { Threads = 2, Seeds = new[] { 1, 2 } }))
                Assert.Equal(1, get_num_threads());
            using (LibTorchThreads.For(new TrainingSettings { Threads = 2, Seeds = new[] { 1 } }))
                Assert.Equal(2, get_num_threads());
            Assert.Equal(callers, get_num_threads());
        }
    }
}
