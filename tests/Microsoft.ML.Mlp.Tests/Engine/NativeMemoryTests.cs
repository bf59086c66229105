using System;
using System.Linq;
using System.Threading;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine.Reference;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Every native tensor has an owner: fits, predictions and cancelled fits leave no live tensor behind.</summary>
    public class NativeMemoryTests
    {
        /// <summary>Tensors still alive once unreachable wrappers have been finalised: what holds native memory.</summary>
        private static long LiveTensors()
        {
            for (int i = 0; i < 2; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            return Tensor.TotalCount;
        }

        [Fact]
        public void RepeatedFitAndPredictLeaveNoLiveTensors()
        {
            var ml = new MLContext(seed: 1);
            var data = Digits.Load(ml, 0, 300);
            var options = TrainedDigits.QuickOptions(epochs: 2);
            TrainedDigits.Pipeline(ml, options).Fit(data); // warm-up: lazy statics, libtorch start-up
            long before = LiveTensors();
            for (int i = 0; i < 3; i++)
            {
                var model = TrainedDigits.Pipeline(ml, options).Fit(data);
                _ = TrainedDigits.Scores(model, data);
                var ensemble = ml.Transforms.Conversion.MapValueToKey("Label")
                    .Append(ml.MulticlassClassification.Trainers.SoftVotingEnsemble(options, numberOfModels: 2)).Fit(data);
                _ = TrainedDigits.Scores(ensemble, data);
                var mlp = model.OfType<Microsoft.ML.Data.MulticlassPredictionTransformer<MlpMulticlassModelParameters>>().Single().Model;
                _ = mlp.PredictBatch(Digits.Rows(0, 64).SelectMany(r => r.Features).ToArray(), 64);
            }
            Assert.Equal(before, LiveTensors());
        }

        [Fact]
        public void RepeatedBinaryAndRegressionFitsLeaveNoLiveTensors()
        {
            var ml = new MLContext(seed: 1);
            var digits = Digits.Load(ml, 0, 300);
            var threes = ml.Data.LoadFromEnumerable(Digits.Rows(0, 300).Select(d => new BinaryMlpTests.DigitRow { Label = d.Label == 3, Features = d.Features }).ToArray());
            void FitBoth()
            {
                var binary = ml.BinaryClassification.Trainers.SoftVotingEnsemble(new MlpBinaryTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 1, Seed = 1 }, numberOfModels: 2).Fit(threes);
                _ = binary.Transform(threes).GetColumn<float>("Score").ToArray();
                // Streamed (a 200 kB budget) and sparse: the regression paths that hold no dense copy.
                var regression = ml.Regression.Trainers.VotingEnsemble(new MlpRegressionTrainer.Options(MlpPreset.KerasReference)
                {
                    HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 1, Seed = 1, TrainingMemoryBudget = 200_000, FeatureStorage = MlpFeatureStorage.Sparse,
                }, numberOfModels: 2).Fit(digits);
                _ = regression.Transform(digits).GetColumn<float>("Score").ToArray();
            }
            FitBoth(); // warm-up
            long before = LiveTensors();
            for (int i = 0; i < 2; i++)
                FitBoth();
            Assert.Equal(before, LiveTensors());
        }

        [Fact]
        public void RepeatedExplanationsLeaveNoLiveTensors()
        {
            var c = ExplainFixtures.Get("multiclass-voting");
            var explainer = c.Ml.Transforms.CalculateIntegratedGradients(c.Model).Fit(c.Rows);
            var features = ExplainFixtures.Features(c.Rows).SelectMany(f => f).ToArray();
            void Explain()
            {
                _ = explainer.ExplainBatch(features, features.Length / 784); // 24 rows × 32 steps: libtorch's products
                _ = ExplainFixtures.Read(explainer.Transform(c.Rows), "FeatureContributions"); // row by row: managed ones
            }
            Explain(); // warm-up
            long before = LiveTensors();
            for (int i = 0; i < 3; i++)
                Explain();
            Assert.Equal(before, LiveTensors());
        }

        [Fact]
        public void CancelledFitLeavesNoLiveTensors()
        {
            var ml = new MLContext(seed: 1);
            var data = Digits.Load(ml, 0, 300);
            foreach (bool reference in new[] { false, true })
            {
                using var cts = new CancellationTokenSource();
                var options = TrainedDigits.QuickOptions(epochs: 50);
                options.NetworkFactory = reference ? ReferenceTrainingNetwork.Factory : null;
                options.CancellationToken = cts.Token;
                options.EpochCallback = m => { if (m.Epoch == 2) cts.Cancel(); };
                long before = LiveTensors();
                Assert.ThrowsAny<OperationCanceledException>(() => TrainedDigits.Pipeline(ml, options).Fit(data));
                // The autograd path builds torch Parameters. A Parameter takes over another tensor's native handle and
                // TorchSharp never stops counting that emptied wrapper (784→128→10 with batch norm: W, b ×2, γ, β = 6
                // Parameters); there is no native memory behind them. The fast path creates no Parameter at all.
                Assert.Equal(before + (reference ? 6 : 0), LiveTensors());
            }
        }
    }
}
