using BenchmarkDotNet.Attributes;

namespace Microsoft.ML.Mlp.Benchmarks.Micro
{
    /// <summary>
    /// One training step (batch 32, seed model, 1 thread) through the public API. The engine is internal, so a
    /// step is measured as a 1-epoch fit over 100 batches divided by 100 (fit set-up amortised), next to a
    /// 1-batch fit that shows that set-up cost alone: step ≈ (100-step fit − 1-step fit) / 99.
    /// </summary>
    [MemoryDiagnoser]
    public class TrainingStepBenchmarks
    {
        private MLContext _ml;
        private IDataView _oneBatch;
        private IDataView _hundredBatches;

        [GlobalSetup]
        public void Setup()
        {
            _ml = new MLContext(seed: 0);
            var digits = Datasets.LoadDigits(_ml);
            var keyed = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(digits).Transform(digits);
            // Cached: the benchmark should time the trainer, not re-running the key mapping.
            _oneBatch = _ml.Data.Cache(_ml.Data.TakeRows(keyed, 32));
            _hundredBatches = _ml.Data.Cache(_ml.Data.TakeRows(keyed, 3200));
        }

        [Benchmark(Baseline = true, Description = "Fit 1 epoch, 1 step (set-up cost)")]
        public void FitOneStep() => Fit(_oneBatch);

        [Benchmark(OperationsPerInvoke = 100, Description = "Fit 1 epoch, 100 steps, per step")]
        public void FitHundredSteps() => Fit(_hundredBatches);

        private void Fit(IDataView data)
        {
            using var model = _ml.MulticlassClassification.Trainers.Mlp(Datasets.SeedOptions(epochs: 1)).Fit(data).Model;
        }
    }
}
