using System;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>The learning rate of each epoch, schedule by schedule, without training anything.</summary>
    public class LearningRateScheduleTests
    {
        private static double[] Rates(LearningRateSchedule schedule, int epochs) => Enumerable.Range(0, epochs).Select(schedule.For).ToArray();

        private static void AssertRates(double[] expected, double[] actual)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int e = 0; e < expected.Length; e++)
                Assert.True(Math.Abs(expected[e] - actual[e]) < 1e-12, $"epoch {e}: expected {expected[e]}, got {actual[e]}");
        }

        [Fact]
        public void DecaysFollowTheirFormulaEpochByEpoch()
        {
            AssertRates(new[] { 0.1, 0.1, 0.1 }, Rates(new LearningRateSchedule(MlpLearningRateSchedule.Constant, 0.1, 3), 3));
            AssertRates(new[] { 0.1, 0.1, 0.05, 0.05, 0.025, 0.025 },
                Rates(new LearningRateSchedule(MlpLearningRateSchedule.StepDecay, 0.1, 6, decay: 0.5, stepSize: 2), 6));
            AssertRates(new[] { 0.1, 0.05, 0.025, 0.0125 }, Rates(new LearningRateSchedule(MlpLearningRateSchedule.ExponentialDecay, 0.1, 4, decay: 0.5), 4));
            // Half a cosine from 1 down towards the minimum 0 over 4 epochs.
            AssertRates(new[] { 1, (1 + Math.Sqrt(0.5)) / 2, 0.5, (1 - Math.Sqrt(0.5)) / 2 },
                Rates(new LearningRateSchedule(MlpLearningRateSchedule.CosineAnnealing, 1, 4), 4));
        }

        [Fact]
        public void OneCycleWarmsUpToTheBaseRateThenAnnealsToItsFloor()
        {
            // 10 epochs: warm-up over round(0.3 × 10) = 3 epochs from 1/25, then down to (1/25)/1e4 at the last epoch.
            var rates = Rates(new LearningRateSchedule(MlpLearningRateSchedule.OneCycle, 1, 10), 10);
            AssertRates(new[] { 0.04, 0.04 + 0.96 * 0.25, 0.04 + 0.96 * 0.75, 1 }, rates.Take(4).ToArray());
            Assert.Equal(4e-6, rates[9], 12);
            for (int e = 4; e < 10; e++)
                Assert.True(rates[e] < rates[e - 1], $"epoch {e} should be lower than epoch {e - 1}");
            AssertRates(new[] { 0.7 }, Rates(new LearningRateSchedule(MlpLearningRateSchedule.OneCycle, 0.7, 1), 1));
        }

        [Fact]
        public void ReduceOnPlateauHalvesAfterPatienceEpochsWithoutImprovementDownToTheMinimum()
        {
            var schedule = new LearningRateSchedule(MlpLearningRateSchedule.ReduceOnPlateau, 1, 20, decay: 0.5, minimum: 0.2, plateauPatience: 2);
            var rates = new[] { 1.0, 1.0, 1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9 }.Select(monitored =>
            {
                double rate = schedule.For(0);
                schedule.Observe(monitored, minDelta: 0);
                return rate;
            }).ToArray();
            // Epochs 2 and 3 do not improve → halved; 0.9 improves (the wait restarts); two more stalls → 0.25, two more → the floor 0.2.
            AssertRates(new[] { 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2 }, rates);
        }

        [Fact]
        public void OtherSchedulesIgnoreTheMonitoredValue()
        {
            var schedule = new LearningRateSchedule(MlpLearningRateSchedule.Constant, 0.3, 5, plateauPatience: 1);
            for (int e = 0; e < 5; e++)
                schedule.Observe(1, 0);
            Assert.Equal(0.3, schedule.For(4));
        }

        [Fact]
        public void FromSettingsUsesTheirRateDecayStepAndEpochs()
        {
            var settings = new TrainingSettings
            {
                Schedule = MlpLearningRateSchedule.StepDecay, LearningRate = 0.2, LearningRateDecay = 0.1, LearningRateStepSize = 3, Epochs = 7,
            };
            AssertRates(new[] { 0.2, 0.2, 0.2, 0.02, 0.02, 0.02, 0.002 }, Rates(LearningRateSchedule.From(settings), 7));
        }
    }
}
