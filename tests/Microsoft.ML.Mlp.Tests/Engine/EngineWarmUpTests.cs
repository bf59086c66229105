using System;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary><see cref="EngineWarmUp"/>: creating an Mlp trainer starts it once per process, and it completes without error.</summary>
    public class EngineWarmUpTests
    {
        [Fact]
        public void CreatingATrainerStartsOneWarmUpThatCompletesWithoutError()
        {
            _ = new MLContext(seed: 0).MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options());
            var warmUp = EngineWarmUp.Started; // the trainer's constructor started it (or an earlier test's did)
            Assert.NotNull(warmUp);
            Assert.Same(warmUp, EngineWarmUp.Start());
            Assert.True(warmUp.Wait(TimeSpan.FromMinutes(2)), "the warm-up did not finish");
            Assert.True(EngineWarmUp.Failure == null, $"the warm-up failed: {EngineWarmUp.Failure}");
        }
    }
}
