using BenchmarkDotNet.Attributes;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Benchmarks.Micro
{
    /// <summary>Scoring one row of the seed model: via PredictionEngine, directly on the model parameters,
    /// and as part of a 1,000-row batch <c>Transform</c> (per row).</summary>
    [MemoryDiagnoser]
    public class ScoringBenchmarks
    {
        private MLContext _ml;
        private MulticlassPredictionTransformer<MlpMulticlassModelParameters> _model;
        private PredictionEngine<MnistCatalog.MnistImage, ScoreRow> _engine;
        private MnistCatalog.MnistImage _row;
        private ScoreRow _output = new ScoreRow();
        private IDataView _thousandRows;

        [GlobalSetup]
        public void Setup()
        {
            _ml = new MLContext(seed: 0);
            var digits = Datasets.LoadDigits(_ml);
            var keyed = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(digits).Transform(digits);
            // Weights do not change the cost of scoring: one short epoch is enough.
            _model = _ml.MulticlassClassification.Trainers.Mlp(Datasets.SeedOptions(epochs: 1)).Fit(_ml.Data.TakeRows(keyed, 2000));
            _engine = _ml.Model.CreatePredictionEngine<MnistCatalog.MnistImage, ScoreRow>(_model,
                inputSchemaDefinition: MnistCatalog.ImageSchema(_model.Model.NumberOfFeatures));
            _row = System.Linq.Enumerable.First(_ml.Data.CreateEnumerable<MnistCatalog.MnistImage>(digits, reuseRowObject: false));
            _thousandRows = _ml.Data.Cache(_ml.Data.TakeRows(digits, 1000));
        }

        [Benchmark(Description = "PredictionEngine.Predict, 1 row")]
        public float[] PredictionEngineRow()
        {
            _engine.Predict(_row, ref _output);
            return _output.Score;
        }

        [Benchmark(Description = "MlpMulticlassModelParameters.PredictProbabilities, 1 row")]
        public float[] ModelParametersRow() => _model.Model.PredictProbabilities(_row.Features);

        [Benchmark(OperationsPerInvoke = 1000, Description = "Transform + cursor, per row of 1,000")]
        public float TransformPerRow()
        {
            var scored = _model.Transform(_thousandRows);
            var column = scored.Schema["Score"];
            using var cursor = scored.GetRowCursor(new[] { column });
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var score = default(VBuffer<float>);
            float sum = 0;
            while (cursor.MoveNext())
            {
                getter(ref score);
                sum += score.GetValues()[0];
            }
            return sum;
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _engine?.Dispose();
            _model?.Model.Dispose();
        }
    }
}
