using System;
using System.Linq;
using System.Threading;
using Microsoft.ML.Trainers.Mlp;
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
                var mlp = model.OfType<Microsoft.ML.Data.MulticlassPredictionTransformer<MlpModelParameters>>().Single().Model;
                _ = mlp.PredictBatch(Digits.Rows(0, 64).SelectMany(r => r.Features).ToArray(), 64);
            }
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
                options.UseReferenceEngine = reference;
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
