using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Validation, early stopping, schedules, clipping, class weights, cancellation and warm start on real digits.</summary>
    public class TrainingControlTests
    {
        private readonly ITestOutputHelper _output;

        public TrainingControlTests(ITestOutputHelper output) => _output = output;

        private static (MLContext Ml, IDataView Train, IDataView Validation) Keyed(int trainRows, int validationRows, int seed = 1)
        {
            var ml = new MLContext(seed: seed);
            var key = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits.Load(ml, 0, 2000));
            return (ml, key.Transform(Digits.Load(ml, 0, trainRows)), key.Transform(Digits.Load(ml, 2000, validationRows)));
        }

        [Fact]
        public void ValidationMetricsCoverTheWholeValidationSetEveryEpoch()
        {
            var (ml, train, validation) = Keyed(400, 300);
            var model = ml.MulticlassClassification.Trainers.Mlp(TrainedDigits.QuickOptions(epochs: 3)).Fit(train, validation);
            var history = model.Model.TrainingHistory;
            Assert.Equal(3, history.Count);
            Assert.All(history, h => Assert.NotNull(h.ValidationLoss));
            // The last epoch's validation figures are those of the returned model on all 300 rows.
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(validation));
            _output.WriteLine($"history {history[^1].ValidationAccuracy:P2} / {history[^1].ValidationLoss:F4}; Evaluate {metrics.MicroAccuracy:P2} / {metrics.LogLoss:F4}");
            Assert.Equal(metrics.MicroAccuracy, history[^1].ValidationAccuracy.Value, 2);
            Assert.Equal(metrics.LogLoss, history[^1].ValidationLoss.Value, 3);
        }

        [Fact]
        public void ValidationFractionHoldsOutAStratifiedShare()
        {
            var (ml, train, _) = Keyed(400, 1);
            var lines = new List<string>();
            ml.Log += (_, e) => { lock (lines) lines.Add(e.Message); };
            var options = TrainedDigits.QuickOptions(epochs: 2);
            options.ValidationFraction = 0.25f;
            var model = ml.MulticlassClassification.Trainers.Mlp(options).Fit(train);
            // round(0.25 · n) per class: about 100 of the 400 rows.
            var held = lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"held out (\d+) of 400 rows")).Single(m => m.Success);
            Assert.InRange(int.Parse(held.Groups[1].Value), 95, 105);
            Assert.All(model.Model.TrainingHistory, h => Assert.InRange(h.ValidationAccuracy.Value, 0.3, 1.0));
        }

        [Fact]
        public void EarlyStoppingStopsWhenValidationLossStallsAndRestoresTheBestEpoch()
        {
            // 100 training rows and a high learning rate overfit quickly: validation loss turns up within a few epochs.
            var (ml, train, validation) = Keyed(100, 400);
            var options = TrainedDigits.QuickOptions(epochs: 40);
            options.LearningRate = 0.01f;
            options.DropoutRate = 0;
            options.EarlyStoppingPatience = 3;
            var model = ml.MulticlassClassification.Trainers.Mlp(options).Fit(train, validation);
            var history = model.Model.TrainingHistory;
            foreach (var h in history)
                _output.WriteLine(h.ToString());
            Assert.True(history.Count < 40, "training should have stopped early");
            int best = history.Select((h, i) => (h.ValidationLoss.Value, i)).Min().i;
            Assert.Equal(history.Count - 1 - 3, best); // stopped exactly `patience` epochs after the best one
            var restored = ml.MulticlassClassification.Evaluate(model.Transform(validation)).LogLoss;
            Assert.Equal(history[best].ValidationLoss.Value, restored, 3);
            Assert.NotEqual(history[^1].ValidationLoss.Value, restored, 3);
        }

        [Fact]
        public void EarlyStoppingWithoutValidationWatchesTrainingLoss()
        {
            var (ml, train, _) = Keyed(128, 1);
            var options = TrainedDigits.QuickOptions(epochs: 30);
            options.LearningRate = 1e-9f; // the loss cannot improve
            options.EarlyStoppingPatience = 2;
            options.EarlyStoppingMinDelta = 0.5f;
            var history = ml.MulticlassClassification.Trainers.Mlp(options).Fit(train).Model.TrainingHistory;
            Assert.Equal(3, history.Count);
            Assert.All(history, h => Assert.Null(h.ValidationLoss));
        }

        [Theory]
        [InlineData(MlpLearningRateSchedule.Constant)]
        [InlineData(MlpLearningRateSchedule.StepDecay)]
        [InlineData(MlpLearningRateSchedule.ExponentialDecay)]
        [InlineData(MlpLearningRateSchedule.CosineAnnealing)]
        [InlineData(MlpLearningRateSchedule.OneCycle)]
        [InlineData(MlpLearningRateSchedule.ReduceOnPlateau)]
        public void EachScheduleFollowsItsFormula(MlpLearningRateSchedule schedule)
        {
            var (ml, train, _) = Keyed(64, 1);
            const int E = 7;
            // The options are floats: compare against the float values widened to double.
            double lr = 0.01f, decay = 0.5f, min = 0.001f;
            var options = TrainedDigits.QuickOptions(epochs: E);
            options.LearningRate = (float)lr;
            options.LearningRateSchedule = schedule;
            options.LearningRateDecay = (float)decay;
            options.LearningRateStepSize = 3;
            options.MinimumLearningRate = (float)min;
            options.ReduceOnPlateauPatience = 1;
            options.EarlyStoppingMinDelta = 100; // ReduceOnPlateau: no epoch ever improves enough after the first
            var actual = ml.MulticlassClassification.Trainers.Mlp(options).Fit(train).Model.TrainingHistory.Select(h => h.LearningRate).ToArray();
            var expected = Enumerable.Range(0, E).Select(e => schedule switch
            {
                MlpLearningRateSchedule.Constant => lr,
                MlpLearningRateSchedule.StepDecay => lr * Math.Pow(decay, e / 3),
                MlpLearningRateSchedule.ExponentialDecay => lr * Math.Pow(decay, e),
                MlpLearningRateSchedule.CosineAnnealing => min + (lr - min) * (1 + Math.Cos(Math.PI * e / E)) / 2,
                // warm-up over round(0.3·7) = 2 epochs from lr/25, then cosine down to lr/25/1e4 at the last epoch
                MlpLearningRateSchedule.OneCycle => e < 2
                    ? lr / 25 + (lr - lr / 25) * (1 - Math.Cos(Math.PI * e / 2)) / 2
                    : lr + (lr / 25 / 1e4 - lr) * (1 - Math.Cos(Math.PI * (e - 2) / 4.0)) / 2,
                // epoch 0 sets the best; every later epoch fails to improve by 100 with patience 1: decay after each
                MlpLearningRateSchedule.ReduceOnPlateau => Math.Max(min, lr * Math.Pow(decay, Math.Max(0, e - 1))),
                _ => throw new ArgumentOutOfRangeException(nameof(schedule)),
            }).ToArray();
            _output.WriteLine(string.Join(", ", actual.Select(a => a.ToString("G4"))));
            for (int e = 0; e < E; e++)
                Assert.Equal(expected[e], actual[e], 12);
            if (schedule == MlpLearningRateSchedule.OneCycle)
                Assert.Equal(lr / 25 / 1e4, actual[^1], 12);
        }

        [Fact]
        public void GradientClippingBoundsEachStep()
        {
            var (ml, train, _) = Keyed(128, 1);
            var options = TrainedDigits.QuickOptions(epochs: 1);
            var start = ml.MulticlassClassification.Trainers.Mlp(options).Fit(train).Model;
            options.Optimizer = MlpOptimizer.Sgd;
            options.LearningRate = 1f;
            options.BatchSize = 128; // one step
            options.DropoutRate = 0;
            options.GradientClipNorm = 1e-3f;
            var next = ml.MulticlassClassification.Trainers.Mlp(options).Fit(train, start).Model;
            double squared = 0;
            for (int l = 0; l < start.Network.Layers.Length; l++)
            {
                squared += start.Network.Layers[l].Weight.Zip(next.Network.Layers[l].Weight).Sum(p => Math.Pow(p.First - p.Second, 2));
                squared += start.Network.Layers[l].Bias.Zip(next.Network.Layers[l].Bias).Sum(p => Math.Pow(p.First - p.Second, 2));
                if (start.Network.Layers[l].HasBatchNorm)
                    squared += start.Network.Layers[l].Gamma.Zip(next.Network.Layers[l].Gamma).Sum(p => Math.Pow(p.First - p.Second, 2))
                        + start.Network.Layers[l].Beta.Zip(next.Network.Layers[l].Beta).Sum(p => Math.Pow(p.First - p.Second, 2));
            }
            _output.WriteLine($"step norm {Math.Sqrt(squared):G4}");
            Assert.InRange(Math.Sqrt(squared), 1e-4, 1.01e-3);
        }

        [Fact]
        public void BalancedClassWeightingLiftsTheMinorityClass()
        {
            var ml = new MLContext(seed: 1);
            var rows = Digits.Rows(0, 8000).ToArray();
            var threes = rows.Where(r => r.Label == 3).ToArray();
            var fives = rows.Where(r => r.Label == 5).ToArray();
            var train = ml.Data.LoadFromEnumerable(threes.Take(300).Concat(fives.Take(12)).ToArray(), MnistCatalog.ImageSchema());
            var test = ml.Data.LoadFromEnumerable(threes.Skip(300).Take(200).Concat(fives.Skip(12).Take(200)).ToArray(), MnistCatalog.ImageSchema());
            double MinorityRecall(MlpClassWeighting weighting)
            {
                var options = TrainedDigits.QuickOptions(epochs: 3);
                options.ClassWeighting = weighting;
                var model = TrainedDigits.Pipeline(ml, options).Fit(train);
                var predicted = model.Transform(test).GetColumn<float>("PredictedLabel").ToArray();
                return predicted.Skip(200).Count(p => p == 5) / 200.0;
            }
            double none = MinorityRecall(MlpClassWeighting.None), balanced = MinorityRecall(MlpClassWeighting.Balanced);
            _output.WriteLine($"recall of the minority class: none {none:P1}, balanced {balanced:P1}");
            Assert.True(balanced > none + 0.05);
        }

        [Fact]
        public void CancellingTheTokenFromAnotherThreadStopsAPipelineFitAtTheNextBatch()
        {
            // Deterministic: at the end of epoch 2 the callback has another thread cancel and waits until it has, so the
            // cancellation lands at a known point whatever the scheduling; the token is checked before every batch, so epoch 3
            // never completes. (5 epochs at most: if cancellation were ignored the fit would simply finish, and this fail.)
            var ml = new MLContext(seed: 1);
            using var cts = new CancellationTokenSource();
            var epochs = new List<int>();
            var options = TrainedDigits.QuickOptions(epochs: 5);
            options.CancellationToken = cts.Token;
            options.EpochCallback = m =>
            {
                epochs.Add(m.Epoch);
                if (m.Epoch == 2)
                    Task.Run(cts.Cancel).Wait();
            };
            var e = Assert.ThrowsAny<OperationCanceledException>(() => TrainedDigits.Pipeline(ml, options).Fit(Digits.Load(ml, 0, 320)));
            _output.WriteLine($"cancelled after epochs {string.Join(", ", epochs)}: {e.Message}");
            Assert.Equal(new[] { 1, 2 }, epochs); // the epoch running at Cancel() never completes
        }

        [Fact]
        public void MlContextCancellationIsHonoured()
        {
            // ML.NET's own cancellation (what AutoML uses) is not public in ML.NET 5: MLContext.CancelExecution is internal.
            var ml = new MLContext(seed: 1);
            var cancel = typeof(MLContext).GetMethod("CancelExecution", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)
                ?? typeof(MLContext).GetInterfaces().Select(i => i.GetMethod("CancelExecution")).First(m => m != null);
            var epochs = new List<int>();
            var options = TrainedDigits.QuickOptions(epochs: 5);
            options.EpochCallback = m =>
            {
                epochs.Add(m.Epoch);
                if (m.Epoch == 1)
                    cancel.Invoke(ml, null); // at a known point, not from a timer
            };
            Assert.ThrowsAny<OperationCanceledException>(() => TrainedDigits.Pipeline(ml, options).Fit(Digits.Load(ml, 0, 320)));
            Assert.Equal(new[] { 1 }, epochs);
        }

        [Fact]
        public void WarmStartContinuesTheRunAndItsHistory()
        {
            // Plain SGD, no shuffling and no dropout: nothing random and no optimizer state, so k + m epochs equal one run.
            var (ml, train, _) = Keyed(256, 1);
            MlpMulticlassTrainer.Options Options(int epochs) => new MlpMulticlassTrainer.Options(MlpPreset.KerasReference)
            {
                HiddenLayerSizes = new[] { 32, 16 }, NumberOfEpochs = epochs, Optimizer = MlpOptimizer.Sgd, LearningRate = 0.05f,
                Shuffle = false, DropoutRate = 0, Seed = 4, BatchSize = 32,
            };
            var twoThenTwo = ml.MulticlassClassification.Trainers.Mlp(Options(2))
                .Fit(train, ml.MulticlassClassification.Trainers.Mlp(Options(2)).Fit(train).Model).Model;
            var four = ml.MulticlassClassification.Trainers.Mlp(Options(4)).Fit(train).Model;
            Assert.Equal(new[] { 1, 2, 3, 4 }, twoThenTwo.TrainingHistory.Select(h => h.Epoch));
            for (int e = 0; e < 4; e++)
                Assert.Equal(four.TrainingHistory[e].TrainingLoss, twoThenTwo.TrainingHistory[e].TrainingLoss, 5);
            foreach (var row in Digits.Rows(300, 10))
            {
                var a = four.PredictProbabilities(row.Features);
                var b = twoThenTwo.PredictProbabilities(row.Features);
                for (int c = 0; c < 10; c++)
                    Assert.Equal(a[c], b[c], 5);
            }
        }

        [Fact]
        public void WarmStartAppliesTheNewOptionsDropoutAndRejectsAnotherActivation()
        {
            var (ml, train, _) = Keyed(200, 1);
            var start = ml.MulticlassClassification.Trainers.Mlp(TrainedDigits.QuickOptions(1)).Fit(train).Model;
            Assert.Equal(0.2f, start.Network.Architecture.DropoutRate);
            var fineTune = TrainedDigits.QuickOptions(1);
            fineTune.DropoutRate = 0;
            var tuned = ml.MulticlassClassification.Trainers.Mlp(fineTune).Fit(train, start).Model;
            Assert.Equal(0f, tuned.Network.Architecture.DropoutRate);
            Assert.Equal(2, tuned.TrainingHistory.Count);

            var other = TrainedDigits.QuickOptions(1);
            other.Activation = MlpActivation.Tanh;
            var e = Assert.Throws<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.Mlp(other).Fit(train, start));
            Assert.Contains("Relu", e.Message);
            Assert.Contains("Tanh", e.Message);
        }

        [Fact]
        public void ExponentialDecayDefaultsToAGentleFactor()
        {
            var (ml, train, _) = Keyed(64, 1);
            var options = TrainedDigits.QuickOptions(epochs: 3);
            options.LearningRateSchedule = MlpLearningRateSchedule.ExponentialDecay;
            var rates = ml.MulticlassClassification.Trainers.Mlp(options).Fit(train).Model.TrainingHistory.Select(h => h.LearningRate).ToArray();
            Assert.Equal((double)0.001f * 0.95f * 0.95f, rates[2], 9);
        }

        [Fact]
        public void WarmStartFromAnotherShapeIsRejected()
        {
            var (ml, train, _) = Keyed(100, 1);
            var small = ml.MulticlassClassification.Trainers.Mlp(TrainedDigits.QuickOptions(1)).Fit(train).Model;
            var options = TrainedDigits.QuickOptions(1);
            options.HiddenLayerSizes = new[] { 64 };
            var e = Assert.Throws<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.Mlp(options).Fit(train, small));
            Assert.Contains("784→128→10", e.Message);
            Assert.Contains("784→64→10", e.Message);
        }

        [Fact]
        public void EnsembleMembersValidateAndStopEarlyToo()
        {
            var (ml, train, validation) = Keyed(100, 300);
            var options = TrainedDigits.QuickOptions(epochs: 40);
            options.LearningRate = 0.01f;
            options.DropoutRate = 0;
            options.EarlyStoppingPatience = 2;
            var ensemble = ml.MulticlassClassification.Trainers.SoftVotingEnsemble(options, numberOfModels: 3).Fit(train, validation).Model;
            foreach (MlpMulticlassModelParameters member in ensemble.Members)
            {
                Assert.True(member.TrainingHistory.Count < 40);
                Assert.All(member.TrainingHistory, h => Assert.NotNull(h.ValidationAccuracy));
            }
        }
    }
}
