using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Microsoft.ML.Mlp.Benchmarks.Micro
{
    /// <summary>Short in-process jobs: in-process keeps the output folder whose TorchSharp native copy our build
    /// patched for Debian 12; few iterations keep a run to a few minutes on 2 cores.</summary>
    public sealed class MicroConfig : ManualConfig
    {
        public MicroConfig()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithId("InProcess"));
            AddLogger(DefaultConfig.Instance.GetLoggers().ToArray());
            AddColumnProvider(DefaultConfig.Instance.GetColumnProviders().ToArray());
            AddExporter(DefaultConfig.Instance.GetExporters().ToArray());
        }
    }
}
