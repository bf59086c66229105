using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// ONNX export of every model this package trains, on the committed digits: ML.NET's ConvertToOnnx on a real pipeline, then
    /// the graph scored by ONNX Runtime directly and by ML.NET's ApplyOnnxModel, against ML.NET's own Transform. Probabilities
    /// within 1e-5, regression scores within 1e-4 relative, predicted labels identical.
    /// </summary>
    public class OnnxExportTests
    {
        private const int TrainRows = 300;
        private const int TestRows = 200;
        private const double ProbabilityTolerance = 1e-5;

        private readonly ITestOutputHelper _output;

        public OnnxExportTests(ITestOutputHelper output) => _output = output;

        private static MlpMulticlassTrainer.Options Tiny(MlpActivation activation = MlpActivation.Relu, bool batchNorm = true, params int[] hidden) => new(MlpPreset.KerasReference)
        {
            HiddenLayerSizes = hidden.Length == 0 ? new[] { 16, 8 } : hidden,
            NumberOfEpochs = 2,
            Activation = activation,
            UseBatchNormalization = batchNorm,
            DropoutRate = 0.2f, // trained with, absent from the graph
            Seed = 3,
        };

        private static IEstimator<ITransformer> Multiclass(MLContext ml, IEstimator<ITransformer> trainer) =>
            ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        [Theory]
        [InlineData(MlpActivation.Relu, true)]
        [InlineData(MlpActivation.Relu, false)]
        [InlineData(MlpActivation.LeakyRelu, true)]
        [InlineData(MlpActivation.Elu, true)]
        [InlineData(MlpActivation.Gelu, true)]
        [InlineData(MlpActivation.Gelu, false)]
        [InlineData(MlpActivation.Selu, true)]
        [InlineData(MlpActivation.Tanh, true)]
        [InlineData(MlpActivation.Sigmoid, true)]
        public void MulticlassMlpExportsWithTheSameProbabilitiesAndLabels(MlpActivation activation, bool batchNorm)
        {
            var ml = new MLContext(seed: 1);
            var model = Multiclass(ml, ml.MulticlassClassification.Trainers.Mlp(Tiny(activation, batchNorm))).Fit(Digits.Load(ml, 0, TrainRows));
            AssertMulticlassLikeMlNet(ml, model);
        }

        [Fact]
        public void MulticlassMlpWithoutHiddenLayerExportsBehindANormalizer()
        {
            var ml = new MLContext(seed: 1);
            var options = Tiny(batchNorm: false);
            options.HiddenLayerSizes = Array.Empty<int>();
            var pipeline = ml.Transforms.NormalizeMinMax("Features").Append(Multiclass(ml, ml.MulticlassClassification.Trainers.Mlp(options)));
            AssertMulticlassLikeMlNet(ml, pipeline.Fit(Digits.Load(ml, 0, TrainRows)));
        }

        [Fact]
        public void ExportsAtOpset9TheLowestMlNetWrites()
        {
            var ml = new MLContext(seed: 1);
            var model = ml.MulticlassClassification.Trainers.Mlp(Tiny(MlpActivation.Gelu))
                .Fit(ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits.Load(ml, 0, TrainRows)).Transform(Digits.Load(ml, 0, TrainRows)));
            var test = Digits.Load(ml, TrainRows, TestRows);
            var onnx = OnnxScoring.Export(ml, model, test, opSet: 9);
            var want = OnnxScoring.Column(model.Transform(test), "Score");
            var got = OnnxScoring.Run(onnx, OnnxScoring.Features(test))["Score"];
            Assert.Equal(want.Length, got.Length);
            Assert.All(want.Zip(got), p => Assert.InRange(p.Second, p.First - ProbabilityTolerance, p.First + ProbabilityTolerance));
        }

        [Fact]
        public void FusedSoftVotingEnsembleExportsWithTheSameProbabilitiesAndLabels()
        {
            var ml = new MLContext(seed: 1);
            var model = Multiclass(ml, ml.MulticlassClassification.Trainers.SoftVotingEnsemble(Tiny(MlpActivation.Gelu), numberOfModels: 3))
                .Fit(Digits.Load(ml, 0, TrainRows));
            AssertMulticlassLikeMlNet(ml, model);
        }

        [Fact]
        public void HeterogeneousSoftVotingEnsembleExportsWithTheSameProbabilitiesAndLabels()
        {
            var ml = new MLContext(seed: 1);
            var members = new IEstimator<ITransformer>[]
            {
                ml.MulticlassClassification.Trainers.Mlp(Tiny(MlpActivation.Tanh)),
                ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { MaximumNumberOfIterations = 10 }),
                ml.MulticlassClassification.Trainers.Mlp(Tiny(MlpActivation.Relu, batchNorm: false)),
            };
            var model = Multiclass(ml, ml.MulticlassClassification.Trainers.SoftVotingEnsemble(members, new[] { 2f, 1f, 0f }))
                .Fit(Digits.Load(ml, 0, TrainRows));
            AssertMulticlassLikeMlNet(ml, model);
        }

        [Fact]
        public void VotingEnsembleMemberThatCannotExportIsNamed()
        {
            var ml = new MLContext(seed: 1);
            var members = new IEstimator<ITransformer>[]
            {
                ml.MulticlassClassification.Trainers.Mlp(Tiny()),
                ml.MulticlassClassification.Trainers.PairwiseCoupling(ml.BinaryClassification.Trainers.AveragedPerceptron(numberOfIterations: 2)),
            };
            var train = Digits.Load(ml, 0, TrainRows);
            var model = Multiclass(ml, ml.MulticlassClassification.Trainers.SoftVotingEnsemble(members)).Fit(train);
            var ex = Assert.Throws<NotSupportedException>(() => OnnxScoring.Export(ml, model, train));
            _output.WriteLine(ex.Message);
            Assert.Contains("member 1 (PairwiseCouplingModelParameters)", ex.Message);
            Assert.Contains("weight 0", ex.Message);
        }

        [Fact]
        public void BinaryMlpExportsScoreProbabilityAndPredictedLabel()
        {
            var ml = new MLContext(seed: 1);
            var model = ml.BinaryClassification.Trainers.Mlp(TinyBinary()).Fit(BinaryMlpTests.DigitThrees(ml, 0, TrainRows));
            AssertBinaryLikeMlNet(ml, model);
        }

        [Fact]
        public void RegressionMlpExportsTheScoreInLabelUnits()
        {
            var ml = new MLContext(seed: 1);
            // The digit's value as the label, shifted so that the label scale (mean, standard deviation) matters.
            var model = ml.Regression.Trainers.Mlp(TinyRegression()).Fit(DigitValues(ml, 0, TrainRows));
            AssertRegressionLikeMlNet(ml, model);
        }

        [Theory]
        [InlineData("multiclass")]
        [InlineData("binary")]
        [InlineData("regression")]
        public void RobustFeatureScalingExportsAndOnnxRuntimeScoresWithin1e5(string task)
        {
            var ml = new MLContext(seed: 1);
            // Raw pixel values shifted by 10: the centers and multipliers are far from 0 and 1.
            var rows = Digits.Rows(0, TrainRows + TestRows).Select(d => new ValueRow { Label = d.Label, Features = d.Features.Select(v => 255 * v + 10).ToArray() }).ToArray();
            IDataView View(System.Collections.Generic.IEnumerable<ValueRow> part) => task == "binary"
                ? ml.Data.LoadFromEnumerable(part.Select(r => new BinaryMlpTests.DigitRow { Label = r.Label == 3, Features = r.Features }).ToArray())
                : ml.Data.LoadFromEnumerable(part.ToArray());
            var (train, test) = (View(rows.Take(TrainRows)), View(rows.Skip(TrainRows)));
            var tiny = Tiny(MlpActivation.Gelu);
            tiny.FeatureScaling = MlpFeatureScaling.Robust;
            ITransformer model = task switch
            {
                "binary" => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options(MlpPreset.KerasReference)
                    { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 2, Seed = 3, FeatureScaling = MlpFeatureScaling.Robust }).Fit(train),
                "regression" => ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options(MlpPreset.KerasReference)
                    { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 2, Seed = 3, FeatureScaling = MlpFeatureScaling.Robust }).Fit(train),
                _ => Multiclass(ml, ml.MulticlassClassification.Trainers.Mlp(tiny)).Fit(train),
            };
            var onnx = OnnxScoring.Export(ml, model, test);
            Assert.Contains("MlpFeatureCenter", System.Text.Encoding.ASCII.GetString(onnx));
            var expected = model.Transform(test);
            var runtime = OnnxScoring.Run(onnx, OnnxScoring.Features(test));
            foreach (string column in task == "binary" ? new[] { "Score", "Probability" } : new[] { "Score" })
            {
                var want = OnnxScoring.Column(expected, column);
                var got = runtime[column];
                Assert.Equal(want.Length, got.Length);
                double worst = want.Zip(got, (w, g) => Math.Abs(w - g) / Math.Max(1, Math.Abs(w))).Max();
                _output.WriteLine($"{task} {column}: largest difference {worst:E2} over {want.Length} values (relative above 1)");
                Assert.True(worst <= 1e-5, $"{column} differs by {worst:E2}");
            }
        }

        [Fact]
        public void WithoutFeatureScalingTheGraphHasNoScalingNodes()
        {
            var ml = new MLContext(seed: 1);
            var model = Multiclass(ml, ml.MulticlassClassification.Trainers.Mlp(Tiny())).Fit(Digits.Load(ml, 0, TrainRows));
            Assert.DoesNotContain("MlpFeatureCenter", System.Text.Encoding.ASCII.GetString(OnnxScoring.Export(ml, model, Digits.Load(ml, 0, 10))));
        }

        private static MlpBinaryTrainer.Options TinyBinary() =>
            new() { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 2, Activation = MlpActivation.Elu, DropoutRate = 0.2f, Seed = 3 };

        private static MlpRegressionTrainer.Options TinyRegression() =>
            new() { HiddenLayerSizes = new[] { 16 }, NumberOfEpochs = 2, Activation = MlpActivation.Selu, Seed = 3 };

        private static IEstimator<ITransformer> MaxEnt(MLContext ml) =>
            ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { MaximumNumberOfIterations = 10, NumberOfThreads = 1 });

        private static IEstimator<ITransformer> Logistic(MLContext ml) =>
            ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { MaximumNumberOfIterations = 10, NumberOfThreads = 1 });

        private static IEstimator<ITransformer> Sdca(MLContext ml) =>
            ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { MaximumNumberOfIterations = 5, NumberOfThreads = 1 });

        [Fact]
        public void FusedBinarySoftVotingEnsembleExportsScoreProbabilityAndPredictedLabel()
        {
            var ml = new MLContext(seed: 1);
            var model = ml.BinaryClassification.Trainers.SoftVotingEnsemble(TinyBinary(), numberOfModels: 3).Fit(BinaryMlpTests.DigitThrees(ml, 0, TrainRows));
            AssertBinaryLikeMlNet(ml, model);
        }

        [Fact]
        public void HeterogeneousBinarySoftVotingEnsembleExportsScoreProbabilityAndPredictedLabel()
        {
            var ml = new MLContext(seed: 1);
            var members = new[] { ml.BinaryClassification.Trainers.Mlp(TinyBinary()), Logistic(ml) };
            var model = ml.BinaryClassification.Trainers.SoftVotingEnsemble(members, new[] { 1f, 2f }).Fit(BinaryMlpTests.DigitThrees(ml, 0, TrainRows));
            AssertBinaryLikeMlNet(ml, model);
        }

        [Fact]
        public void BinarySoftVotingEnsembleOfCertainMembersExportsAFiniteClippedScore()
        {
            // Unregularised logistic regressions on separable rows: many rows get probability 0 or 1 in float, where the managed
            // model clips before its logit (Score ±34.54). There the Score is the logit of a probability that ONNX Runtime's
            // Sigmoid gives only to an absolute ~1e-7, so only Probability and PredictedLabel are compared, and the graph's
            // Max/Min must keep every Score finite and within the clip.
            var ml = new MLContext(seed: 1);
            var certain = new LbfgsLogisticRegressionBinaryTrainer.Options { L1Regularization = 0, L2Regularization = 0, NumberOfThreads = 1 };
            var members = new[] { ml.BinaryClassification.Trainers.LbfgsLogisticRegression(certain), ml.BinaryClassification.Trainers.LbfgsLogisticRegression(certain) };
            var model = ml.BinaryClassification.Trainers.SoftVotingEnsemble(members).Fit(BinaryMlpTests.DigitThrees(ml, 0, TrainRows));
            var test = BinaryMlpTests.DigitThrees(ml, TrainRows, TestRows);
            var expected = OnnxScoring.Column(model.Transform(test), "Score");
            _output.WriteLine($"rows at the clip: {expected.Count(s => Math.Abs(s) > 34.5)} of {expected.Length}");
            Assert.Contains(expected, s => Math.Abs(s) > 34.5);
            AssertOnnxScoresLikeMlNet(ml, model, test, new[] { "Probability", "PredictedLabel" });
            var runtime = OnnxScoring.Run(OnnxScoring.Export(ml, model, test), OnnxScoring.Features(test))["Score"];
            Assert.All(runtime, s => Assert.InRange(s, -34.54f, 34.54f));
        }

        [Fact]
        public void FusedRegressionVotingEnsembleExportsTheScoreUntilDisposed()
        {
            var ml = new MLContext(seed: 1);
            var model = ml.Regression.Trainers.VotingEnsemble(TinyRegression(), numberOfModels: 3).Fit(DigitValues(ml, 0, TrainRows));
            AssertRegressionExportsUntilDisposed(ml, model, model.Model);
        }

        [Fact]
        public void HeterogeneousRegressionVotingEnsembleExportsTheScore()
        {
            var ml = new MLContext(seed: 1);
            var members = new[] { ml.Regression.Trainers.Mlp(TinyRegression()), Sdca(ml) };
            var model = ml.Regression.Trainers.VotingEnsemble(members, new[] { 3f, 1f }).Fit(DigitValues(ml, 0, TrainRows));
            AssertRegressionLikeMlNet(ml, model);
        }

        [Fact]
        public void MulticlassStackingEnsembleExportsWithTheSameProbabilitiesAndLabels()
        {
            var ml = new MLContext(seed: 1);
            var members = new[] { ml.MulticlassClassification.Trainers.Mlp(Tiny(MlpActivation.Gelu)), MaxEnt(ml) };
            var model = Multiclass(ml, ml.MulticlassClassification.Trainers.StackingEnsemble(members, numberOfFolds: 2, seed: 1))
                .Fit(Digits.Load(ml, 0, TrainRows));
            AssertMulticlassLikeMlNet(ml, model);
        }

        [Fact]
        public void BinaryStackingEnsembleExportsScoreProbabilityAndPredictedLabel()
        {
            var ml = new MLContext(seed: 1);
            var members = new[] { ml.BinaryClassification.Trainers.Mlp(TinyBinary()), Logistic(ml) };
            var model = ml.BinaryClassification.Trainers.StackingEnsemble(members, numberOfFolds: 2, seed: 1).Fit(BinaryMlpTests.DigitThrees(ml, 0, TrainRows));
            AssertBinaryLikeMlNet(ml, model);
        }

        [Fact]
        public void RegressionStackingEnsembleExportsTheScoreUntilDisposed()
        {
            var ml = new MLContext(seed: 1);
            var members = new[] { ml.Regression.Trainers.Mlp(TinyRegression()), Sdca(ml) };
            var model = ml.Regression.Trainers.StackingEnsemble(members, numberOfFolds: 2, seed: 1).Fit(DigitValues(ml, 0, TrainRows));
            AssertRegressionExportsUntilDisposed(ml, model, model.Model);
        }

        [Fact]
        public void StackingMemberOrMetaModelThatCannotExportIsNamed()
        {
            var ml = new MLContext(seed: 1);
            var train = Digits.Load(ml, 0, TrainRows);
            var coupling = ml.MulticlassClassification.Trainers.PairwiseCoupling(ml.BinaryClassification.Trainers.AveragedPerceptron(numberOfIterations: 2));
            var member = Multiclass(ml, ml.MulticlassClassification.Trainers.StackingEnsemble(new[] { MaxEnt(ml), coupling }, numberOfFolds: 2, seed: 1)).Fit(train);
            var meta = Multiclass(ml, ml.MulticlassClassification.Trainers.StackingEnsemble(new[] { MaxEnt(ml), MaxEnt(ml) }, coupling, numberOfFolds: 2, seed: 1)).Fit(train);
            var memberError = Assert.Throws<NotSupportedException>(() => OnnxScoring.Export(ml, member, train));
            var metaError = Assert.Throws<NotSupportedException>(() => OnnxScoring.Export(ml, meta, train));
            _output.WriteLine(memberError.Message);
            _output.WriteLine(metaError.Message);
            Assert.Contains("MulticlassStackingModelParameters cannot be exported to ONNX: member 1 (PairwiseCouplingModelParameters)", memberError.Message);
            Assert.Contains("the meta-model (PairwiseCouplingModelParameters)", metaError.Message);
            Assert.DoesNotContain("weight 0", metaError.Message);
        }

        private sealed class ValueRow
        {
            public float Label;
            [VectorType(784)] public float[] Features;
        }

        private static IDataView DigitValues(MLContext ml, int skip, int take) =>
            ml.Data.LoadFromEnumerable(Digits.Rows(skip, take).Select(d => new ValueRow { Label = 100 + 10 * d.Label, Features = d.Features }).ToArray());

        private void AssertMulticlassLikeMlNet(MLContext ml, ITransformer model) =>
            AssertOnnxScoresLikeMlNet(ml, model, Digits.Load(ml, TrainRows, TestRows), new[] { "Score", "PredictedLabel" });

        private void AssertBinaryLikeMlNet(MLContext ml, ITransformer model) =>
            AssertOnnxScoresLikeMlNet(ml, model, BinaryMlpTests.DigitThrees(ml, TrainRows, TestRows), new[] { "Probability", "PredictedLabel" }, "Score");

        private void AssertRegressionLikeMlNet(MLContext ml, ITransformer model) =>
            AssertOnnxScoresLikeMlNet(ml, model, DigitValues(ml, TrainRows, TestRows), Array.Empty<string>(), "Score");

        /// <summary><see cref="AssertRegressionLikeMlNet"/>, then the export of the disposed <paramref name="ensemble"/> throws.</summary>
        private void AssertRegressionExportsUntilDisposed(MLContext ml, ITransformer model, IDisposable ensemble)
        {
            AssertRegressionLikeMlNet(ml, model);
            ensemble.Dispose();
            Assert.Throws<ObjectDisposedException>(() => OnnxScoring.Export(ml, model, DigitValues(ml, 0, 10)));
        }

        /// <summary>
        /// Exports <paramref name="model"/>, scores <paramref name="test"/> through ONNX Runtime alone and through ApplyOnnxModel, and
        /// compares each with ML.NET's Transform: <paramref name="exact"/> columns within 1e-5 (labels must be equal), the
        /// <paramref name="scoreRelative"/> column within 1e-4 relative (absolute below 1: a binary logit near 0 is a difference of two
        /// nearly equal logits, whose relative error is meaningless).
        /// </summary>
        private void AssertOnnxScoresLikeMlNet(MLContext ml, ITransformer model, IDataView test, string[] exact, string scoreRelative = null)
        {
            var onnx = OnnxScoring.Export(ml, model, test);
            var expected = model.Transform(test);
            var runtime = OnnxScoring.Run(onnx, OnnxScoring.Features(test));
            var applied = OnnxScoring.ApplyOnnx(ml, onnx, test);
            foreach (var column in exact.Append(scoreRelative).Where(c => c != null))
            {
                var want = OnnxScoring.Column(expected, column);
                foreach (var (how, got) in new[] { ("ONNX Runtime", runtime[column]), ("ApplyOnnxModel", OnnxScoring.Column(applied, column)) })
                {
                    Assert.Equal(want.Length, got.Length);
                    double worst = 0;
                    for (int i = 0; i < want.Length; i++)
                    {
                        double error = column == scoreRelative
                            ? Math.Abs(want[i] - got[i]) / Math.Max(Math.Abs(want[i]), 1)
                            : Math.Abs(want[i] - got[i]);
                        worst = Math.Max(worst, error);
                    }
                    _output.WriteLine($"{column} through {how}: largest {(column == scoreRelative ? "relative " : "")}difference {worst:E2} over {want.Length} values");
                    if (column == "PredictedLabel")
                        Assert.Equal(want, got);
                    else
                        Assert.True(worst <= (column == scoreRelative ? 1e-4 : ProbabilityTolerance), $"{column} through {how} differs by {worst:E2}");
                }
            }
        }
    }
}
