using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// The piecewise-linear numeric embedding (<see cref="MlpOptionsBase.NumericEmbedding"/>) on real tables shipped in data/:
    /// the bins are the scaled training values' quantiles (checked against an independent computation), binary features get
    /// none, every scoring path and ONNX Runtime agree, the model round-trips bit-identically, a streamed fit and a warm start
    /// work, and bad combinations are refused with the option named.
    /// </summary>
    public class NumericEmbeddingTests
    {
        private readonly ITestOutputHelper _output;

        public NumericEmbeddingTests(ITestOutputHelper output) => _output = output;

        private static readonly string DataFolder = Path.Combine(AppContext.BaseDirectory, "data");

        /// <summary>Boston housing (506 rows, 12 features, column 3 "chas" binary), median value as the label.</summary>
        public sealed class HouseRow
        {
            [LoadColumn(0, 11), VectorType(12)]
            public float[] Features { get; set; }

            [LoadColumn(12)]
            public float Label { get; set; }
        }

        /// <summary>Landsat satellite (6,435 rows, 36 spectral values, six soil classes; the file's first 1,500 rows hold five).</summary>
        public sealed class SatelliteRow
        {
            [LoadColumn(0, 35), VectorType(36)]
            public float[] Features { get; set; }

            [LoadColumn(36)]
            public string Label { get; set; }
        }

        /// <summary>A satellite row's 36 values alone.</summary>
        public sealed class SpectralValues
        {
            [VectorType(36)]
            public float[] Features { get; set; }
        }

        private static HouseRow[] Houses() => new MLContext(seed: 0).Data.CreateEnumerable<HouseRow>(
            new MLContext(seed: 0).Data.LoadFromTextFile<HouseRow>(Path.Combine(DataFolder, "boston-housing.csv"), separatorChar: ',', hasHeader: true),
            reuseRowObject: false).ToArray();

        private static IDataView SatelliteView(MLContext ml, int skip, int take)
        {
            var all = ml.Data.LoadFromTextFile<SatelliteRow>(Path.Combine(DataFolder, "satellite.csv"), separatorChar: ',', hasHeader: true);
            return ml.Data.TakeRows(skip > 0 ? ml.Data.SkipRows(all, skip) : all, take);
        }

        private static MlpRegressionTrainer.Options HouseOptions(int epochs = 30) => new()
        {
            HiddenLayerSizes = new[] { 32 }, NumberOfEpochs = epochs, EnsembleSize = 1, Seed = 3, NumericEmbedding = MlpNumericEmbedding.PiecewiseLinear,
        };

        private static MlpRegressionModelParameters FitHouses(MLContext ml, IEnumerable<HouseRow> rows, MlpRegressionTrainer.Options options) =>
            ml.Regression.Trainers.Mlp(options).Fit(ml.Data.LoadFromEnumerable(rows)).Model;

        [Fact]
        public void TheBinsAreTheScaledTrainingValuesQuantilesAndBinaryFeaturesGetNone()
        {
            var ml = new MLContext(seed: 1);
            var train = Houses().Take(400).ToArray();
            var options = HouseOptions(epochs: 2);
            options.ValidationFraction = 0; // the scaler and the bins see all 400 rows, as the oracle below does
            var model = FitHouses(ml, train, options);
            var scaler = ((ITrainedNetwork)model).FeatureScaler;
            Assert.Equal(MlpNumericEmbedding.PiecewiseLinear, model.NumericEmbedding);
            Assert.Contains("NumericEmbedding PiecewiseLinear (8 bins)", model.TrainingSettings);
            Assert.Equal(12, model.NumberOfFeatures);
            var encoding = scaler.Encoding;
            Assert.Equal(12 + encoding.Count, model.Network.Architecture.InputSize);

            // The oracle, computed here: per feature the sorted scaled values, edges at index ⌊t·(n − 1)/8⌋ for t = 0..8, equal
            // edges merged, one bin between consecutive edges; none for chas (0 or 1).
            var expected = new List<(int Feature, float Lower, float Multiplier)>();
            for (int feature = 0; feature < 12; feature++)
            {
                var sorted = train.Select(r => FeatureScaler.Scale(r.Features[feature], scaler.Center[feature], scaler.Multiplier[feature])).OrderBy(x => x).ToArray();
                if (sorted.Distinct().Count() <= 2)
                    continue;
                var edges = Enumerable.Range(0, 9).Select(t => sorted[t * (sorted.Length - 1) / 8]).Distinct().ToArray();
                for (int k = 0; k + 1 < edges.Length; k++)
                    expected.Add((feature, edges[k], 1f / (edges[k + 1] - edges[k])));
            }
            Assert.DoesNotContain(expected, b => b.Feature == 3);
            Assert.Equal(expected.Select(b => b.Feature), encoding.Source.ToArray());
            Assert.Equal(expected.Select(b => b.Lower), encoding.Lower.ToArray());
            Assert.Equal(expected.Select(b => b.Multiplier), encoding.Multiplier.ToArray());
            Assert.Equal(8, expected.Count(b => b.Feature == 5)); // rm, the rooms: many values, all eight bins
        }

        /// <summary>The encoding of <paramref name="columns"/>, each value mapped first (feature by feature, as the fit adds them).</summary>
        private static PiecewiseLinearEncoding Encoding(float[][] columns, Func<float, int, float> map, int bins)
        {
            var builder = new PiecewiseLinearEncoding.Builder(bins);
            for (int i = 0; i < columns.Length; i++)
                builder.Add(i, columns[i].Select(v => map(v, i)).ToArray());
            return builder.Build();
        }

        [Fact]
        public void EncodedValuesAreClampedRampsAndTheirDerivativesMatchFiniteDifferences()
        {
            // 0..99 in 4 bins: edges at indices 0, 24, 49, 74, 99; a binary column and a constant one get no bins.
            var columns = new[] { Enumerable.Range(0, 100).Select(i => (float)i).ToArray(), Enumerable.Range(0, 100).Select(i => (float)(i % 2)).ToArray(), new float[100] };
            var encoding = Encoding(columns, (v, _) => v, 4);
            Assert.Equal(new[] { 0, 0, 0, 0 }, encoding.Source.ToArray());
            Assert.Equal(new[] { 0f, 24f, 49f, 74f }, encoding.Lower.ToArray());
            Assert.Equal(new[] { 1 / 24f, 1 / 25f, 1 / 25f, 1 / 25f }, encoding.Multiplier.ToArray());

            var encoded = new float[4];
            encoding.Apply(new[] { 30f, 1f, 0f }, encoded);
            Assert.Equal(new[] { 1f, 6f / 25f, 0f, 0f }, encoded);

            // A scaler with that encoding: the derivative by each raw feature against central differences.
            float[] center = { 40f, 0.5f, 0f }, multiplier = { 0.05f, 2f, 1f };
            var scaler = new FeatureScaler(center, multiplier, Encoding(columns, (v, i) => FeatureScaler.Scale(v, center[i], multiplier[i]), 4));
            int width = scaler.OutputWidth;
            var row = new[] { 37f, 1f, 0f };
            var output = new float[width];
            var derivative = new float[width];
            scaler.ApplyWithDerivative(row, output, derivative);
            var plain = new float[width];
            scaler.Apply(row, plain);
            Assert.Equal(plain, output);
            var upstream = Enumerable.Range(0, width).Select(j => 1f + j).ToArray();
            var gradient = new float[3];
            scaler.AddGradients(upstream, derivative, gradient);
            const float h = 1e-2f;
            var up = new float[width];
            var down = new float[width];
            scaler.Apply(new[] { row[0] + h, row[1], row[2] }, up);
            scaler.Apply(new[] { row[0] - h, row[1], row[2] }, down);
            double numeric = Enumerable.Range(0, width).Sum(j => upstream[j] * (up[j] - down[j]) / (2.0 * h));
            _output.WriteLine($"d/dx0: analytic {gradient[0]:G6}, numeric {numeric:G6}");
            Assert.Equal(numeric, gradient[0], 3);
        }

        [Fact]
        public void EveryScoringPathAndOnnxRuntimeAgreeAndTheModelLoadsBitIdentically()
        {
            var ml = new MLContext(seed: 1);
            var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(SatelliteView(ml, 0, 1500));
            var train = keys.Transform(SatelliteView(ml, 0, 1500));
            var test = keys.Transform(SatelliteView(ml, 5000, 300));
            var options = new MlpMulticlassTrainer.Options
            {
                HiddenLayerSizes = new[] { 32 }, NumberOfEpochs = 6, EnsembleSize = 1, Seed = 5, NumericEmbedding = MlpNumericEmbedding.PiecewiseLinear,
            };
            var model = ml.MulticlassClassification.Trainers.Mlp(options).Fit(train);
            var mlp = model.Model;
            Assert.True(((ITrainedNetwork)mlp).FeatureScaler.Encoding.Count > 36 * 4, "36 many-valued spectral features give several bins each");

            var scored = model.Transform(test);
            double accuracy = ml.MulticlassClassification.Evaluate(scored).MicroAccuracy;
            _output.WriteLine($"satellite, 1,500 training rows, embedding: accuracy {accuracy:F4}");
            Assert.True(accuracy > 0.75, $"accuracy {accuracy:F4}");

            // Row scoring = the pipeline's bits; the batch path within float rounding.
            var rows = OnnxScoring.Features(test);
            var scores = OnnxScoring.Column(scored, "Score");
            var batch = mlp.PredictBatch(rows.SelectMany(r => r).ToArray(), rows.Length);
            int classes = mlp.NumberOfClasses; // the classes of the training rows (red soil comes later in the file)
            for (int i = 0; i < rows.Length; i++)
            {
                var probabilities = mlp.PredictProbabilities(rows[i]);
                for (int c = 0; c < classes; c++)
                {
                    Assert.Equal(scores[i * classes + c], probabilities[c]);
                    Assert.True(Math.Abs(scores[i * classes + c] - batch[i * classes + c]) <= 1e-5, $"row {i}, class {c}: batch {batch[i * classes + c]} vs {scores[i * classes + c]}");
                }
            }

            // Save → load in a fresh context: the same bits.
            string path = Path.Combine(Path.GetTempPath(), $"mlp-embedding-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, train.Schema, path);
                var loaded = new MLContext(seed: 9).Model.Load(path, out _);
                Assert.Equal(scores, OnnxScoring.Column(loaded.Transform(test), "Score"));
            }
            finally
            {
                File.Delete(path);
            }

            // ONNX Runtime on the exported graph: within 1e-5.
            // Exported over the features alone: the graph then has one input (the string label stays out of it).
            var features = ml.Data.LoadFromEnumerable(rows.Select(r => new SpectralValues { Features = r }));
            var onnx = OnnxScoring.Export(ml, model, features);
            Assert.Contains("MlpBinLower", System.Text.Encoding.ASCII.GetString(onnx));
            var runtime = OnnxScoring.Run(onnx, rows)["Score"];
            double worst = scores.Zip(runtime, (w, g) => Math.Abs(w - g)).Max();
            _output.WriteLine($"ONNX Runtime: largest difference {worst:E2}");
            Assert.True(worst <= 1e-5, $"ONNX Runtime differs by {worst:E2}");
        }

        [Fact]
        public void AStreamedFitBinsTheFirstBlockAndAWarmStartKeepsTheEmbedding()
        {
            var ml = new MLContext(seed: 1);
            var log = new List<string>();
            ml.Log += (_, e) => { if (e.Message.Contains("Mlp")) lock (log) log.Add(e.Message); };
            var houses = Houses();
            var options = HouseOptions(epochs: 3);
            options.TrainingMemoryBudget = 8_000;
            var streamed = FitHouses(ml, houses.Take(400), options);
            Assert.Contains(log, m => m.Contains("blocks of"));
            Assert.Contains(log, m => m.Contains("piecewise-linear embedding"));
            Assert.Equal(MlpNumericEmbedding.PiecewiseLinear, streamed.NumericEmbedding);
            // Fitted on the first block alone (fewer rows than the 400 trained on), and the network reads the binned width.
            var fitted = log.Single(m => m.Contains("piecewise-linear embedding"));
            int sampleRows = int.Parse(System.Text.RegularExpressions.Regex.Match(fitted, @"fitted on ([\d,]+) rows").Groups[1].Value.Replace(",", ""));
            Assert.InRange(sampleRows, 1, 399);
            var scaler = ((ITrainedNetwork)streamed).FeatureScaler;
            Assert.Equal(12 + scaler.Encoding.Count, streamed.Network.Architecture.InputSize);

            // A warm start keeps the initial model's scaler and bins, whatever the options say.
            var more = HouseOptions(epochs: 2);
            more.NumericEmbedding = MlpNumericEmbedding.None;
            var warm = ml.Regression.Trainers.Mlp(more).Fit(ml.Data.LoadFromEnumerable(houses.Skip(100).Take(300)), streamed).Model;
            Assert.Same(((ITrainedNetwork)streamed).FeatureScaler, ((ITrainedNetwork)warm).FeatureScaler);
            Assert.Equal(MlpNumericEmbedding.PiecewiseLinear, warm.NumericEmbedding);
            Assert.Contains(log, m => m.Contains("NumericEmbedding is None, but the initial model was trained with PiecewiseLinear"));
        }

        /// <summary>Boston's rows with their last feature dropped: 11 features.</summary>
        public sealed class ShortHouseRow
        {
            [VectorType(11)]
            public float[] Features { get; set; }

            public float Label { get; set; }
        }

        [Fact]
        public void AWarmStartOnOtherFeaturesIsRefusedBeforeAnyRowIsBinned()
        {
            var ml = new MLContext(seed: 1);
            var houses = Houses().Take(200).ToArray();
            var initial = FitHouses(ml, houses, HouseOptions(epochs: 1));
            var shorter = ml.Data.LoadFromEnumerable(houses.Select(h => new ShortHouseRow { Features = h.Features.Take(11).ToArray(), Label = h.Label }));
            var error = Assert.Throws<InvalidOperationException>(() => ml.Regression.Trainers.Mlp(HouseOptions(epochs: 1)).Fit(shorter, initial));
            Assert.Contains("the initial model reads 12 features but the data has 11", error.Message);
        }

        [Fact]
        public void TheMemoryBudgetCountsTheBinsTheRowsWillHold()
        {
            // 400 rows × 12 features take ~22 KB as read and up to ten times that while binned (the row, plus up to 8 bins
            // per feature): under a 50 KB budget the plain fit holds them in memory and the embedded one streams them.
            var houses = Houses().Take(400).ToArray();
            bool Streams(MlpNumericEmbedding embedding)
            {
                var ml = new MLContext(seed: 1);
                var log = new List<string>();
                ml.Log += (_, e) => { if (e.Message.Contains("streaming")) lock (log) log.Add(e.Message); };
                var options = HouseOptions(epochs: 1);
                options.NumericEmbedding = embedding;
                options.TrainingMemoryBudget = 50_000;
                FitHouses(ml, houses, options);
                return log.Count > 0;
            }
            Assert.False(Streams(MlpNumericEmbedding.None));
            Assert.True(Streams(MlpNumericEmbedding.PiecewiseLinear));
        }

        [Fact]
        public void RegressionDefaultsBinDenseRowsAndLeaveSparseRowsSparse()
        {
            var ml = new MLContext(seed: 1);
            var houses = Houses().Take(200).ToArray();
            var dense = FitHouses(ml, houses, new MlpRegressionTrainer.Options { NumberOfEpochs = 1, EnsembleSize = 1, Seed = 1 });
            Assert.Equal(MlpNumericEmbedding.PiecewiseLinear, dense.NumericEmbedding);
            Assert.Contains("NumericEmbedding PiecewiseLinear (8 bins)*", dense.TrainingSettings);
            var sparse = FitHouses(ml, houses, new MlpRegressionTrainer.Options { NumberOfEpochs = 1, EnsembleSize = 1, Seed = 1, FeatureStorage = MlpFeatureStorage.Sparse });
            Assert.Equal(MlpNumericEmbedding.None, sparse.NumericEmbedding);
            Assert.Contains("NumericEmbedding None*", sparse.TrainingSettings);
            Assert.True(((ITrainedNetwork)sparse).FeatureScaler.KeepsZeros);
        }

        [Fact]
        public void BadCombinationsAreRefusedNamingTheOptionAndTheFix()
        {
            var ml = new MLContext(seed: 1);
            var noScaling = HouseOptions();
            noScaling.FeatureScaling = MlpFeatureScaling.None;
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.Mlp(noScaling));
            Assert.Equal(nameof(MlpOptionsBase.NumericEmbedding), error.ParamName);
            Assert.Contains("FeatureScaling to Robust", error.Message);

            foreach (int bins in new[] { 1, 65 })
            {
                var options = HouseOptions();
                options.NumericEmbeddingBins = bins;
                var binsError = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Regression.Trainers.Mlp(options));
                Assert.Equal(nameof(MlpOptionsBase.NumericEmbeddingBins), binsError.ParamName);
            }

            var sparse = HouseOptions();
            sparse.FeatureStorage = MlpFeatureStorage.Sparse;
            var sparseError = Assert.Throws<InvalidOperationException>(() => FitHouses(ml, Houses().Take(100), sparse));
            Assert.Contains("FeatureStorage", sparseError.Message);
            Assert.Contains("NumericEmbedding", sparseError.Message);
        }
    }
}
