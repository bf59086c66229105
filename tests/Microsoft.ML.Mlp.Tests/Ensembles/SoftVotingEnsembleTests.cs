using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>SoftVotingEnsemble on the real digits: fused MLP copies and heterogeneous members.</summary>
    public class SoftVotingEnsembleTests
    {
        private readonly ITestOutputHelper _output;

        public SoftVotingEnsembleTests(ITestOutputHelper output) => _output = output;

        private static readonly Lazy<(MLContext Ml, TransformerChain<MulticlassPredictionTransformer<MulticlassSoftVotingModelParameters>> Model)> s_fiveMlps = new(() =>
        {
            var ml = new MLContext(seed: 1);
            var options = TrainedDigits.QuickOptions(epochs: 4);
            options.HiddenLayerSizes = new[] { 64 };
            var model = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.SoftVotingEnsemble(options, numberOfModels: 5))
                .Fit(Digits.Load(ml, 0, TrainedDigits.TrainRows));
            return (ml, model);
        });

        private static MulticlassSoftVotingModelParameters FiveMlps => s_fiveMlps.Value.Model.LastTransformer.Model;

        [Fact]
        public void FiveMemberEnsembleBeatsTheMeanOfItsMembers()
        {
            var ml = s_fiveMlps.Value.Ml;
            var test = Digits.Rows(TrainedDigits.TrainRows, TrainedDigits.TestRows).ToArray();
            double Accuracy(Func<float[], float[]> predict) =>
                test.Count(r => { var p = predict(r.Features); return Array.IndexOf(p, p.Max()) == KeyIndex(r.Label); }) / (double)test.Length;

            var ensemble = FiveMlps;
            var members = Enumerable.Range(0, 5).Select(i => Accuracy(f => ensemble.PredictMemberProbabilities(i, f))).ToArray();
            double voted = Accuracy(ensemble.PredictProbabilities);
            var metrics = ml.MulticlassClassification.Evaluate(s_fiveMlps.Value.Model.Transform(Digits.Load(ml, TrainedDigits.TrainRows, TrainedDigits.TestRows)));
            _output.WriteLine($"members {string.Join(", ", members.Select(a => a.ToString("P2")))}; ensemble {voted:P2}; Evaluate {metrics.MicroAccuracy:P2}");
            Assert.Equal(voted, metrics.MicroAccuracy, 6);
            Assert.True(voted > members.Average(), $"ensemble {voted:P2} is not above the members' mean {members.Average():P2}");
            Assert.True(members.Distinct().Count() > 1, "members must differ");
            Assert.All(ensemble.Weights, w => Assert.Equal(0.2f, w, 6));
            Assert.All(ensemble.Members, m => Assert.IsType<MlpMulticlassModelParameters>(m));
        }

        /// <summary>MapValueToKey numbers digits in order of appearance: the key index of a digit in the shuffled training rows.</summary>
        private static int KeyIndex(float digit) =>
            Digits.Rows(0, TrainedDigits.TrainRows).Select(r => r.Label).Distinct().ToList().IndexOf(digit);

        [Fact]
        public void EnsembleIsReproducibleAndMembersAreSeededApart()
        {
            var ml = new MLContext(seed: 1);
            var options = TrainedDigits.QuickOptions(epochs: 1);
            var data = Digits.Load(ml, 0, 300);
            MulticlassSoftVotingModelParameters Fit() => ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.SoftVotingEnsemble(options, numberOfModels: 3)).Fit(data).LastTransformer.Model;
            var probe = Digits.Rows(400, 10).Select(r => r.Features).ToArray();
            var a = Fit();
            var b = Fit();
            Assert.Equal(probe.Select(a.PredictProbabilities), probe.Select(b.PredictProbabilities));
            Assert.NotEqual(probe.Select(f => a.PredictMemberProbabilities(0, f)), probe.Select(f => a.PredictMemberProbabilities(1, f)));
        }

        [Fact]
        public void MembersTrainedSideBySideOnTwoThreadsGiveTheSameEnsemble()
        {
            var ml = new MLContext(seed: 1);
            var data = Digits.Load(ml, 0, 300);
            MulticlassSoftVotingModelParameters Fit(int threads)
            {
                var options = TrainedDigits.QuickOptions(epochs: 2);
                options.NumberOfThreads = threads;
                return ml.Transforms.Conversion.MapValueToKey("Label")
                    .Append(ml.MulticlassClassification.Trainers.SoftVotingEnsemble(options, numberOfModels: 3)).Fit(data).LastTransformer.Model;
            }
            var probe = Digits.Rows(400, 10).Select(r => r.Features).ToArray();
            Assert.Equal(probe.Select(Fit(1).PredictProbabilities), probe.Select(Fit(2).PredictProbabilities));
        }

        [Fact]
        public void FusedMemberLearnsExactlyAsIfTrainedAlone()
        {
            // Without dropout nothing is shared between members: member 0 (seed = base seed) must equal a lone Mlp with that seed.
            var ml = new MLContext(seed: 1);
            var data = Digits.Load(ml, 0, 300);
            var options = TrainedDigits.QuickOptions(epochs: 2);
            options.DropoutRate = 0;
            var ensemble = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.SoftVotingEnsemble(options, numberOfModels: 3)).Fit(data).LastTransformer.Model;
            var alone = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(options)).Fit(data).LastTransformer.Model;
            foreach (var row in Digits.Rows(400, 10))
            {
                var fused = ensemble.PredictMemberProbabilities(0, row.Features);
                var single = alone.PredictProbabilities(row.Features);
                for (int c = 0; c < 10; c++)
                    Assert.Equal(single[c], fused[c], 4);
            }
        }

        /// <summary>
        /// SharedBatchOrder: every member reads member 0's batches. Without dropout member 0 (seed = base seed, its own shuffle)
        /// still learns as if trained alone, although its first layer now comes from one product shared with the others (up to
        /// that product's rounding: a managed kernel's where the CPU has AVX-512, so 1e-3 rather than libtorch's bits); the
        /// other members no longer learn what they learn in their own order; the ensemble is reproducible, the same on 1 and 2
        /// threads, and as accurate as with independent orders on held-out digits.
        /// </summary>
        [Fact]
        public void SharedBatchOrderKeepsEachMembersSeedAndTrainsAnEnsembleAsAccurate()
        {
            var ml = new MLContext(seed: 1);
            var data = Digits.Load(ml, 0, 300);
            MulticlassSoftVotingModelParameters Fit(bool shared, int threads = 1, float dropout = 0, int members = 3, int epochs = 2, IDataView on = null)
            {
                var options = TrainedDigits.QuickOptions(epochs);
                options.DropoutRate = dropout;
                options.SharedBatchOrder = shared;
                options.NumberOfThreads = threads;
                return ml.Transforms.Conversion.MapValueToKey("Label")
                    .Append(ml.MulticlassClassification.Trainers.SoftVotingEnsemble(options, numberOfModels: members)).Fit(on ?? data).LastTransformer.Model;
            }
            var probe = Digits.Rows(400, 10).Select(r => r.Features).ToArray();
            var shared = Fit(shared: true);
            var independent = Fit(shared: false);
            var lone = TrainedDigits.QuickOptions(2);
            lone.DropoutRate = 0;
            var alone = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(lone)).Fit(data).LastTransformer.Model;
            foreach (var features in probe)
            {
                var fused = shared.PredictMemberProbabilities(0, features);
                var single = alone.PredictProbabilities(features);
                for (int c = 0; c < 10; c++)
                    Assert.Equal(single[c], fused[c], tolerance: 1e-3);
            }
            Assert.NotEqual(probe.Select(f => independent.PredictMemberProbabilities(1, f)), probe.Select(f => shared.PredictMemberProbabilities(1, f)));
            Assert.NotEqual(probe.Select(f => shared.PredictMemberProbabilities(0, f)), probe.Select(f => shared.PredictMemberProbabilities(1, f)));

            var withDropout = Fit(shared: true, dropout: 0.2f);
            Assert.Equal(probe.Select(withDropout.PredictProbabilities), probe.Select(Fit(shared: true, dropout: 0.2f).PredictProbabilities));
            Assert.Equal(probe.Select(withDropout.PredictProbabilities), probe.Select(Fit(shared: true, threads: 2, dropout: 0.2f).PredictProbabilities));

            var train = Digits.Load(ml, 0, TrainedDigits.TrainRows);
            var test = Digits.Rows(TrainedDigits.TrainRows, TrainedDigits.TestRows).ToArray();
            double Accuracy(MulticlassSoftVotingModelParameters model) =>
                test.Count(r => { var p = model.PredictProbabilities(r.Features); return Array.IndexOf(p, p.Max()) == KeyIndex(r.Label); }) / (double)test.Length;
            double sharedAccuracy = Accuracy(Fit(shared: true, dropout: 0.2f, members: 5, epochs: 4, on: train));
            double independentAccuracy = Accuracy(Fit(shared: false, dropout: 0.2f, members: 5, epochs: 4, on: train));
            _output.WriteLine($"5 members, 4 epochs: shared order {sharedAccuracy:P2}, independent {independentAccuracy:P2}");
            Assert.True(sharedAccuracy > 0.85 && sharedAccuracy >= independentAccuracy - 0.03, $"shared {sharedAccuracy:P2}, independent {independentAccuracy:P2}");
        }

        [Fact]
        public void HeterogeneousEnsembleWithWeightsOneZeroScoresExactlyLikeItsFirstMember()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits.Load(ml, 0, 400)).Transform(Digits.Load(ml, 0, 400));
            var test = Digits.Load(ml, 400, 100);
            var maxEnt = new LbfgsMaximumEntropyMulticlassTrainer.Options { MaximumNumberOfIterations = 20 };
            var ensemble = ml.MulticlassClassification.Trainers.SoftVotingEnsemble(
                new IEstimator<ITransformer>[] { ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(maxEnt), ml.MulticlassClassification.Trainers.Mlp(TrainedDigits.QuickOptions(2)) },
                weights: new[] { 1f, 0f }).Fit(data);
            var alone = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(maxEnt).Fit(data);
            var keyedTest = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits.Load(ml, 0, 400)).Transform(test);
            Assert.Equal(TrainedDigits.Scores(alone, keyedTest), TrainedDigits.Scores(ensemble, keyedTest));
            Assert.Equal(new[] { 1f, 0f }, ensemble.Model.Weights);
            Assert.IsType<MaximumEntropyModelParameters>(ensemble.Model.Members[0]);
            Assert.IsType<MlpMulticlassModelParameters>(ensemble.Model.Members[1]);
        }

        [Fact]
        public void HeterogeneousEnsembleWithLightGbmEvaluatesSavesAndLoadsInAFreshProcess()
        {
            var ml = new MLContext(seed: 1);
            var train = Digits.Load(ml, 0, 600);
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.MulticlassClassification.Trainers.Mlp(TrainedDigits.QuickOptions(3)),
                    ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { MaximumNumberOfIterations = 30 }),
                    ml.MulticlassClassification.Trainers.LightGbm(numberOfIterations: 20),
                }, weights: new[] { 2f, 1f, 1f }))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
            var model = pipeline.Fit(train);
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(Digits.Load(ml, 600, 300)));
            _output.WriteLine($"heterogeneous ensemble accuracy {metrics.MicroAccuracy:P2}");
            Assert.True(metrics.MicroAccuracy > 0.8);

            string path = Path.Combine(Path.GetTempPath(), $"ensemble-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, train.Schema, path);
                Assert.Equal(TrainedDigits.Scores(model, Digits.Load(ml, 0, 30)), SaveLoadTests.ScoreInFreshProcess(path, 30));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void FusedEnsembleSavesAndLoadsInAFreshProcessBitIdentical()
        {
            var (ml, model) = s_fiveMlps.Value;
            string path = Path.Combine(Path.GetTempPath(), $"ensemble-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, Digits.Load(ml, 0, 1).Schema, path);
                Assert.Equal(TrainedDigits.Scores(model, Digits.Load(ml, 0, 40)), SaveLoadTests.ScoreInFreshProcess(path, 40));
                var loaded = new MLContext().Model.Load(path, out _);
                var members = ((TransformerChain<ITransformer>)loaded).OfType<ISingleFeaturePredictionTransformer<object>>().Single().Model as MulticlassSoftVotingModelParameters;
                Assert.Equal(5, members.Members.Count);
                Assert.Equal(FiveMlps.Weights, members.Weights);
                Assert.Equal(((MlpMulticlassModelParameters)FiveMlps.Members[3]).TrainingHistory.Count, ((MlpMulticlassModelParameters)members.Members[3]).TrainingHistory.Count);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void PredictionEngineCrossValidateAndPermutationFeatureImportanceWork()
        {
            var (ml, model) = s_fiveMlps.Value;
            var engine = ml.Model.CreatePredictionEngine<MnistCatalog.MnistImage, MlpTrainerTests.ScoredDigit>(
                ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(model.Transform(Digits.Load(ml, 0, 5))) is var back ? model.Append(back) : null,
                inputSchemaDefinition: MnistCatalog.ImageSchema());
            var batch = TrainedDigits.Scores(model, Digits.Load(ml, 1600, 20));
            var rows = Digits.Rows(1600, 20).ToArray();
            for (int i = 0; i < rows.Length; i++)
                Assert.Equal(batch[i], engine.Predict(rows[i]).Score);

            var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits.Load(ml, 0, 300)).Transform(Digits.Load(ml, 0, 300));
            var options = TrainedDigits.QuickOptions(2);
            var folds = ml.MulticlassClassification.CrossValidate(keyed, ml.MulticlassClassification.Trainers.SoftVotingEnsemble(options, numberOfModels: 2), numberOfFolds: 2);
            Assert.Equal(2, folds.Count);
            Assert.All(folds, f => Assert.True(f.Metrics.MicroAccuracy > 0.5));

            var pfi = ml.MulticlassClassification.PermutationFeatureImportance(model.LastTransformer, model.Transform(Digits.Load(ml, 1600, 60)), permutationCount: 1);
            Assert.Equal(784, pfi.Length);
            Assert.Equal(0, pfi[0].MicroAccuracy.Mean, 6);
        }

        [Fact]
        public void BadEnsembleArgumentsAreRejectedWithTheFix()
        {
            var ml = new MLContext(seed: 1);
            var trainers = ml.MulticlassClassification.Trainers;
            var options = TrainedDigits.QuickOptions(1);
            Assert.Contains("numberOfModels", Assert.Throws<ArgumentOutOfRangeException>(() => trainers.SoftVotingEnsemble(options, numberOfModels: 0)).Message);
            Assert.Contains("one weight per member", Assert.Throws<ArgumentOutOfRangeException>(() => trainers.SoftVotingEnsemble(options, 3, new[] { 1f, 1f })).Message);
            Assert.Contains("weights[1] is -1", Assert.Throws<ArgumentOutOfRangeException>(() => trainers.SoftVotingEnsemble(options, 2, new[] { 1f, -1f })).Message);
            Assert.Contains("All weights are 0", Assert.Throws<ArgumentOutOfRangeException>(() => trainers.SoftVotingEnsemble(options, 2, new[] { 0f, 0f })).Message);
            Assert.Contains("empty", Assert.Throws<ArgumentException>(() => trainers.SoftVotingEnsemble(Array.Empty<IEstimator<ITransformer>>())).Message);
        }

        [Fact]
        public void MemberWithoutProbabilitiesIsRejected()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits.Load(ml, 0, 200)).Transform(Digits.Load(ml, 0, 200));
            var e = Assert.Throws<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
            {
                ml.MulticlassClassification.Trainers.Mlp(TrainedDigits.QuickOptions(1)),
                ml.MulticlassClassification.Trainers.SdcaNonCalibrated(maximumNumberOfIterations: 2),
            }).Fit(data));
            Assert.Contains("member 1", e.Message);
            Assert.Contains("not class probabilities", e.Message);
            Assert.Contains("SdcaNonCalibrated", e.Message);
        }

        [Fact]
        public void HeterogeneousEnsembleTrainsOnDataWithSomeNaNRows()
        {
            var ml = new MLContext(seed: 1);
            var rows = Digits.Rows(0, 200).Select(r => new MnistCatalog.MnistImage { Label = r.Label, Features = (float[])r.Features.Clone() }).ToArray();
            rows[0].Features[300] = float.NaN;
            rows[1].Features[10] = float.PositiveInfinity;
            var raw = ml.Data.LoadFromEnumerable(rows, MnistCatalog.ImageSchema());
            var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);
            var model = ml.MulticlassClassification.Trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
            {
                ml.MulticlassClassification.Trainers.Mlp(TrainedDigits.QuickOptions(1)),
                ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { MaximumNumberOfIterations = 10 }),
            }).Fit(data);
            Assert.Equal(2, model.Model.Members.Count);
        }

        [Fact]
        public void MembersOnAnotherLabelAreRejected()
        {
            var ml = new MLContext(seed: 1);
            var raw = Digits.Load(ml, 0, 200);
            var data = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.Conversion.MapValueToKey("Other", "Label")).Fit(raw).Transform(raw);
            var e = Assert.Throws<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
            {
                ml.MulticlassClassification.Trainers.Mlp(TrainedDigits.QuickOptions(1)),
                ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(labelColumnName: "Other"),
            }).Fit(data));
            Assert.Contains("member 1", e.Message);
            Assert.Contains("'Other'", e.Message);
            Assert.Contains("'Label'", e.Message);
        }
    }
}
