using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// The golden model zips under GoldenModels/v{N}/: three tiny models written once by format version N, with the
    /// scores they gave when written. Recipes, probe rows and the expected-file format live here, shared by the writer
    /// (<see cref="GoldenModelWriter"/>) and the test that loads them (GoldenModelTests).
    /// </summary>
    internal static class GoldenModels
    {
        public static readonly string[] Kinds = { "mlp", "fused-ensemble", "heterogeneous-ensemble" };

        /// <summary>Kinds written in a format version: the binary Mlp appeared with version 2; the regression Mlp and the
        /// voting and stacking ensembles of the binary and regression tasks (and multiclass stacking) with version 3. Version 4
        /// (feature scaling and training settings in the MLP payload) has the same kinds as 3, their Mlps trained with robust scaling.
        /// Version 5 added the piecewise-linear numeric embedding; its one kind is the multiclass Mlp with it (the other kinds'
        /// bytes are version 4's).</summary>
        public static IEnumerable<string> KindsOf(int version) => version switch
        {
            1 => Kinds,
            2 => Kinds.Append("binary"),
            5 => new[] { "mlp-embedding" },
            _ => Kinds.Append("binary").Append("regression").Concat(VotingKinds).Concat(StackingKinds),
        };

        /// <summary>Voting ensembles of the binary and regression tasks, added to version 3 with them.</summary>
        public static readonly string[] VotingKinds = { "binary-voting", "regression-voting" };

        /// <summary>Stacking ensembles of each task, added to version 3 with them.</summary>
        public static readonly string[] StackingKinds = { "stacking", "binary-stacking", "regression-stacking" };

        /// <summary>Kinds whose model is binary (Score and Probability per row, "is it a 3?" labels).</summary>
        private static bool IsBinary(string kind) => kind is "binary" or "binary-voting" or "binary-stacking";

        /// <summary>Training rows [0, 300) and probe rows [9000, 9020) of the shuffled digits.</summary>
        public const int TrainRows = 300, ProbeSkip = 9000, ProbeRows = 20;

        public static string Folder(int version) => Path.Combine(AppContext.BaseDirectory, "GoldenModels", $"v{version}");

        /// <summary>The feature scaling of every golden Mlp the writer trains now: robust from format 4 on, so the scaler's
        /// bytes are pinned (versions 1 to 3 had none; their files are never rewritten).</summary>
        private const MlpFeatureScaling Scaling = MlpFeatureScaling.Robust;

        /// <summary>Tiny recipes (784→8→10, 2 epochs) so the zips stay tens of KB; batch norm, dropout, validation
        /// history and feature scaling on, so every part of the format is exercised.</summary>
        public static IEstimator<ITransformer> Pipeline(MLContext ml, string kind)
        {
            var mlp = new MlpMulticlassTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 2, Seed = 11, ValidationFraction = 0.2f, FeatureScaling = Scaling };
            if (kind == "regression") // the digit's value as a Single label: no key mapping
                return ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 2, Seed = 11, ValidationFraction = 0.2f, FeatureScaling = Scaling });
            if (StackingKinds.Contains(kind))
                return StackingPipeline(ml, kind, mlp);
            var binaryMlp = new MlpBinaryTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 2, Seed = 11, ValidationFraction = 0.2f, FeatureScaling = Scaling };
            if (kind == "binary") // a Boolean label already ("is it a 3?", see Data): no key mapping
                return ml.BinaryClassification.Trainers.Mlp(binaryMlp);
            // The voting ensembles of the other tasks: an Mlp and one of ML.NET's linear trainers side by side, so both member kinds are in the file.
            if (kind == "binary-voting")
                return ml.BinaryClassification.Trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.BinaryClassification.Trainers.Mlp(binaryMlp),
                    ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { MaximumNumberOfIterations = 10 }),
                }, weights: new[] { 2f, 1f });
            if (kind == "regression-voting") // the digit's value as a Single label
                return ml.Regression.Trainers.VotingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 2, Seed = 11, ValidationFraction = 0.2f, FeatureScaling = Scaling }),
                    ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { NumberOfThreads = 1, Shuffle = false, MaximumNumberOfIterations = 5 }),
                }, weights: new[] { 1f, 3f });
            IEstimator<ITransformer> trainer = kind switch
            {
                "mlp" => ml.MulticlassClassification.Trainers.Mlp(mlp),
                "mlp-embedding" => ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options(MlpPreset.KerasReference)
                    { HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 2, Seed = 11, ValidationFraction = 0.2f, FeatureScaling = Scaling, NumericEmbedding = MlpNumericEmbedding.PiecewiseLinear }),
                "fused-ensemble" => ml.MulticlassClassification.Trainers.SoftVotingEnsemble(mlp, numberOfModels: 3, weights: new[] { 1f, 2f, 1f }),
                "heterogeneous-ensemble" => ml.MulticlassClassification.Trainers.SoftVotingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.MulticlassClassification.Trainers.Mlp(mlp),
                    ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { MaximumNumberOfIterations = 10 }),
                }),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown golden model kind"),
            };
            return ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        }

        /// <summary>Two members (an Mlp and a linear model), three folds, the default (linear) meta-model.</summary>
        private static IEstimator<ITransformer> StackingPipeline(MLContext ml, string kind, MlpMulticlassTrainer.Options mlp)
        {
            if (kind == "binary-stacking")
                return ml.BinaryClassification.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 2, Seed = 11, FeatureScaling = Scaling }),
                    ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options { MaximumNumberOfIterations = 10, NumberOfThreads = 1 }),
                }, numberOfFolds: 3, seed: 11);
            if (kind == "regression-stacking") // the digit's value as a Single label
                return ml.Regression.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 8 }, NumberOfEpochs = 2, Seed = 11, FeatureScaling = Scaling }),
                    ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options { MaximumNumberOfIterations = 5, NumberOfThreads = 1 }),
                }, numberOfFolds: 3, seed: 11);
            return ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
                {
                    ml.MulticlassClassification.Trainers.Mlp(mlp),
                    ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { MaximumNumberOfIterations = 10, NumberOfThreads = 1 }),
                }, numberOfFolds: 3, seed: 11))
                .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        }

        /// <summary>Training or probe rows for <paramref name="kind"/>: the digits, or for "binary" the digits labelled "is it a 3?".</summary>
        public static IDataView Data(MLContext ml, string kind, int skip, int take) => IsBinary(kind)
            ? ml.Data.LoadFromEnumerable(Digits.Rows(skip, take).Select(d => new BinaryMlpTests.DigitRow { Label = d.Label == 3, Features = d.Features }).ToArray())
            : Digits.Load(ml, skip, take);

        public static IDataView Probes(MLContext ml, string kind = null) => Data(ml, kind, ProbeSkip, ProbeRows);

        /// <summary>Per probe row: the Score vector, for a binary model {Score, Probability}, for regression {Score}.</summary>
        public static float[][] Scores(ITransformer model, MLContext ml, string kind = null)
        {
            var scored = model.Transform(Probes(ml, kind));
            if (scored.Schema["Score"].Type is VectorDataViewType)
                return scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
            if (scored.Schema.GetColumnOrNull("Probability") == null) // regression
                return scored.GetColumn<float>("Score").Select(score => new[] { score }).ToArray();
            return scored.GetColumn<float>("Score").Zip(scored.GetColumn<float>("Probability"), (score, probability) => new[] { score, probability }).ToArray();
        }

        /// <summary>The model parameters inside a loaded pipeline (the one predictor in the chain).</summary>
        public static object Predictor(ITransformer model) => model is ISingleFeaturePredictionTransformer<object> single
            ? single.Model
            : ((IEnumerable<ITransformer>)model).OfType<ISingleFeaturePredictionTransformer<object>>().Single().Model;

        /// <summary>
        /// SHA-256 over every number the model holds (architecture, weights, batch-norm statistics, history, ensemble
        /// weights, other members' weights), read through the object model: proves a load is bit-exact on any CPU, where
        /// score bits may depend on the SIMD width.
        /// </summary>
        public static string Fingerprint(object predictor)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            Add(hash, predictor);
            return Convert.ToHexString(hash.GetHashAndReset());
        }

        private static void Add(IncrementalHash hash, object predictor)
        {
            switch (predictor)
            {
                case MlpMulticlassModelParameters mlp:
                    AddNetwork(hash, mlp.Network, mlp.TrainingHistory);
                    AddScaling(hash, mlp);
                    break;
                case Microsoft.ML.Calibrators.CalibratedModelParametersBase<MlpBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator> binary:
                    Add(hash, binary.SubModel);
                    Doubles(hash, binary.Calibrator.Slope, binary.Calibrator.Offset);
                    break;
                case MlpRegressionModelParameters regression:
                    Doubles(hash, regression.LabelMean, regression.LabelStandardDeviation);
                    AddNetwork(hash, regression.Network, regression.TrainingHistory);
                    AddScaling(hash, regression);
                    break;
                case MlpBinaryModelParameters binaryMlp:
                    AddNetwork(hash, binaryMlp.Network, binaryMlp.TrainingHistory);
                    AddScaling(hash, binaryMlp);
                    break;
                case MulticlassSoftVotingModelParameters ensemble:
                    AddEnsemble(hash, ensemble.Weights, ensemble.Members);
                    break;
                case Microsoft.ML.Calibrators.CalibratedModelParametersBase<BinarySoftVotingModelParameters, Microsoft.ML.Calibrators.PlattCalibrator> binaryVoting:
                    Add(hash, binaryVoting.SubModel);
                    Doubles(hash, binaryVoting.Calibrator.Slope, binaryVoting.Calibrator.Offset);
                    break;
                case BinarySoftVotingModelParameters binaryEnsemble:
                    AddEnsemble(hash, binaryEnsemble.Weights, binaryEnsemble.Members);
                    break;
                case RegressionVotingModelParameters regressionEnsemble:
                    AddEnsemble(hash, regressionEnsemble.Weights, regressionEnsemble.Members);
                    break;
                case Microsoft.ML.Calibrators.CalibratedModelParametersBase<LinearBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator> logistic:
                    Floats(hash, logistic.SubModel.Weights.ToArray());
                    Floats(hash, logistic.SubModel.Bias);
                    Doubles(hash, logistic.Calibrator.Slope, logistic.Calibrator.Offset);
                    break;
                case MaximumEntropyModelParameters maxEnt:
                    VBuffer<float>[] weights = null;
                    maxEnt.GetWeights(ref weights, out int classes);
                    Ints(hash, classes);
                    foreach (var w in weights)
                        Floats(hash, w.DenseValues().ToArray());
                    Floats(hash, maxEnt.GetBiases().ToArray());
                    break;
                case LinearModelParameters linear:
                    Floats(hash, linear.Weights.ToArray());
                    Floats(hash, linear.Bias);
                    break;
                case Microsoft.ML.Calibrators.PlattCalibrator platt:
                    Doubles(hash, platt.Slope, platt.Offset);
                    break;
                case MulticlassStackingModelParameters stacking:
                    AddStacking(hash, stacking.NumberOfFolds, stacking.Members, stacking.MetaModel);
                    break;
                case BinaryStackingModelParameters stacking:
                    AddStacking(hash, stacking.NumberOfFolds, stacking.Members, stacking.MetaModel);
                    break;
                case RegressionStackingModelParameters stacking:
                    AddStacking(hash, stacking.NumberOfFolds, stacking.Members, stacking.MetaModel);
                    break;
                default:
                    // ML.NET's other calibrated models (e.g. logistic regression's, which loads as another generic instance): sub-model and calibrator.
                    var type = predictor.GetType();
                    // (The generic SubModel hides the base class's, so look the properties up by name, most derived first.)
                    if (type.GetProperties().FirstOrDefault(p => p.Name == "SubModel") is { } subModel
                        && type.GetProperties().FirstOrDefault(p => p.Name == "Calibrator") is { } calibrator)
                    {
                        Add(hash, subModel.GetValue(predictor));
                        Add(hash, calibrator.GetValue(predictor));
                        break;
                    }
                    throw new NotSupportedException($"No fingerprint for {predictor.GetType().Name}.");
            }
        }

        /// <summary>Every Mlp model inside <paramref name="predictor"/>: itself, or inside a calibrator, an ensemble's members or a meta-model.</summary>
        public static IEnumerable<object> Mlps(object predictor)
        {
            if (predictor is Microsoft.ML.Trainers.Mlp.Models.ITrainedNetwork)
                return new[] { predictor };
            var type = predictor.GetType();
            var parts = new List<object>();
            foreach (string name in new[] { "SubModel", "MetaModel" })
                if (type.GetProperties().FirstOrDefault(p => p.Name == name)?.GetValue(predictor) is { } part)
                    parts.Add(part);
            if (type.GetProperty("Members")?.GetValue(predictor) is IEnumerable<object> members)
                parts.AddRange(members);
            return parts.SelectMany(Mlps);
        }

        private static void AddStacking(IncrementalHash hash, int folds, IReadOnlyList<object> members, object meta)
        {
            Ints(hash, folds, members.Count);
            foreach (var member in members)
                Add(hash, member);
            Add(hash, meta);
        }

        private static void AddEnsemble(IncrementalHash hash, IReadOnlyList<float> weights, IReadOnlyList<object> members)
        {
            Floats(hash, weights.ToArray());
            foreach (var member in members)
                Add(hash, member);
        }

        private static void AddNetwork(IncrementalHash hash, Microsoft.ML.Trainers.Mlp.Engine.NetworkWeights network, IReadOnlyList<MlpEpochMetrics> history)
        {
            var arch = network.Architecture;
            Ints(hash, arch.InputSize, arch.HiddenLayerSizes.Length, arch.OutputSize, (int)arch.Activation, arch.UseBatchNormalization ? 1 : 0);
            Ints(hash, arch.HiddenLayerSizes);
            Floats(hash, arch.DropoutRate);
            foreach (var layer in network.Layers)
            {
                Floats(hash, layer.Weight);
                Floats(hash, layer.Bias);
                Ints(hash, layer.HasBatchNorm ? 1 : 0);
                if (layer.HasBatchNorm)
                {
                    Floats(hash, layer.Gamma);
                    Floats(hash, layer.Beta);
                    Floats(hash, layer.RunningMean);
                    Floats(hash, layer.RunningVariance);
                }
            }
            foreach (var h in history)
            {
                Ints(hash, h.Member, h.Epoch);
                Doubles(hash, h.TrainingLoss, h.TrainingAccuracy, h.ValidationLoss ?? double.NaN, h.ValidationAccuracy ?? double.NaN, h.LearningRate);
                Longs(hash, h.Duration.Ticks, h.Elapsed.Ticks);
                // Task metrics arrived with format 3; hashed only when present, so older files keep their fingerprints.
                if (h.ValidationAuc != null || h.ValidationRmse != null || h.ValidationRSquared != null)
                    Doubles(hash, h.ValidationAuc ?? double.NaN, h.ValidationRmse ?? double.NaN, h.ValidationRSquared ?? double.NaN);
            }
        }

        /// <summary>Format 4's feature scaling, feature means and training settings; hashed only when present, so older files keep their fingerprints.</summary>
        private static void AddScaling<TOutput>(IncrementalHash hash, MlpModelParametersBase<TOutput> model)
        {
            var scaler = ((Microsoft.ML.Trainers.Mlp.Models.ITrainedNetwork)model).FeatureScaler;
            if (scaler != null)
            {
                Ints(hash, (int)model.FeatureScaling, scaler.Width);
                Floats(hash, scaler.Center.ToArray());
                Floats(hash, scaler.Multiplier.ToArray());
            }
            if (model.FeatureMeans != null)
                Floats(hash, model.FeatureMeans.ToArray());
            if (model.TrainingSettings.Length > 0)
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes(model.TrainingSettings));
        }

        private static void Ints(IncrementalHash hash, params int[] values) => hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        private static void Longs(IncrementalHash hash, params long[] values) => hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        private static void Floats(IncrementalHash hash, params float[] values) => hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        private static void Doubles(IncrementalHash hash, params double[] values) => hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));

        /// <summary>What decides the bits of SIMD scoring (dot-product and softmax reduction order): equal profiles give equal score bits.</summary>
        public static string SimdProfile() =>
            $"VectorFloats={Vector<float>.Count} Vector512={Vector512.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Fma={Fma.IsSupported}";

        /// <summary>The expected-file content: scores as the hex of their IEEE bits (exact, culture-free).</summary>
        public sealed class Expected
        {
            public string Kind { get; set; }
            public int FormatVersion { get; set; }
            public string WrittenBy { get; set; }
            public int ProbeSkip { get; set; }
            public int ProbeRows { get; set; }
            public string SimdProfile { get; set; }
            public string Fingerprint { get; set; }
            /// <summary>One probe row per line: the Score vector's floats as hex IEEE bits, space-separated.</summary>
            public string[] Scores { get; set; }

            public float[][] ScoreValues() =>
                Scores.Select(row => row.Split(' ').Select(h => BitConverter.Int32BitsToSingle(Convert.ToInt32(h, 16))).ToArray()).ToArray();

            public static string[] Hex(float[][] scores) =>
                scores.Select(row => string.Join(" ", row.Select(v => BitConverter.SingleToInt32Bits(v).ToString("x8")))).ToArray();
        }

        private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

        public static string ZipPath(int version, string kind) => Path.Combine(Folder(version), kind + ".zip");

        public static Expected ReadExpected(int version, string kind) =>
            JsonSerializer.Deserialize<Expected>(File.ReadAllText(Path.Combine(Folder(version), kind + ".expected.json")), s_json);

        public static void WriteExpected(string folder, Expected expected) =>
            File.WriteAllText(Path.Combine(folder, expected.Kind + ".expected.json"), JsonSerializer.Serialize(expected, s_json) + "\n");
    }
}
