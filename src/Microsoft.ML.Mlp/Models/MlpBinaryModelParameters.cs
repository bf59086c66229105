using System;
using System.ComponentModel;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;
using Microsoft.ML.Trainers.Mlp.Onnx;

[assembly: LoadableClass(typeof(MlpBinaryModelParameters), null, typeof(SignatureLoadModel),
    "Multilayer Perceptron Binary Executor", MlpBinaryModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A trained binary multilayer perceptron: maps a feature vector to a score, the logit of the positive class. The network
    /// has two softmax outputs (false, true); the score is the difference of their logits, z₁ − z₀, so that
    /// sigmoid(score) is exactly the network's probability of true. <see cref="MlpBinaryTrainer"/> returns it wrapped with that
    /// fixed sigmoid as ML.NET's calibrator, as ML.NET's own binary trainers return calibrated models. Saved and loaded with
    /// the ML.NET model zip; scoring runs in managed code and holds no native memory. ML.NET's
    /// <c>mlContext.Transforms.CalculateFeatureContribution</c> explains its Score (integrated gradients, README "Explaining predictions").
    /// </summary>
    public sealed class MlpBinaryModelParameters : MlpModelParametersBase<float>, ICalculateFeatureContribution, IFeatureContributionMapper
    {
        internal const string LoaderSignature = "MlpBinaryExec";
        private const string RegistrationName = "MlpBinaryModelParameters";

        private const string Kind = "binary MLP";

        internal MlpBinaryModelParameters(IHostEnvironment env, TrainedMlp trained)
            : base(env, RegistrationName, Kind)
        {
            Initialize(trained, logits: true);
        }

        // Three parameters on purpose, as MlpMulticlassModelParameters: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private MlpBinaryModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, Kind, ctx)
        {
            var trained = MlpFormat.Read(ModelFormat.ReadPayload(ctx, formatVersion));
            if (trained.Network.Architecture.OutputSize != 2)
                throw FormatReader.Damaged($"a binary model needs 2 outputs but this one has {trained.Network.Architecture.OutputSize}");
            Initialize(trained, logits: true);
        }

        /// <summary>Always <see cref="PredictionKind.BinaryClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

        /// <summary>The score of one feature vector: the logit of true (sigmoid(score) is its probability); the Score column's value.</summary>
        /// <param name="features">A vector of <see cref="ValueMapperModelParametersBase{TOutput}.NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
        public float PredictScore(ReadOnlySpan<float> features)
        {
            var logits = Inference;
            CheckFeatureCount(features.Length);
            Span<float> z = stackalloc float[2];
            logits.Predict(features, z);
            return z[1] - z[0];
        }

        // ML.NET's mlContext.Transforms.CalculateFeatureContribution: integrated gradients of the Score (Models/ScoreContributions.cs).
        FeatureContributionCalculator ICalculateFeatureContribution.FeatureContributionCalculator => new(this);

        ValueMapper<TSrc, VBuffer<float>> IFeatureContributionMapper.GetFeatureContributionMapper<TSrc, TDst>(int top, int bottom, bool normalize) =>
            ScoreContributions.Create<TSrc, TDst, float>(this, top, bottom, normalize);

        internal override Differentiable CreateExplainedFunction() => new Chain(CreateNetworkFunction(), new LogitDifferenceHead());

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every row: optimised from the first, not after tiering
        private protected override void Map(InferenceNetwork network, in VBuffer<float> src, ref float dst)
        {
            Span<float> z = stackalloc float[2];
            Score(network, src, z);
            dst = z[1] - z[0];
        }

        /// <summary>The binary head: Score = z₁ − z₀ (a product with [−1, 1], exact as the managed subtraction). ML.NET's calibrated
        /// wrapper asks for the Score only and adds its own sigmoid for the Probability; its scorer adds the PredictedLabel.</summary>
        private protected override void WriteOnnx(OnnxContext ctx, InferenceNetwork network, string features, string[] outputNames)
        {
            string logits = MlpOnnxWriter.WriteNetwork(ctx, network, features);
            string difference = ctx.AddInitializer(new[] { -1f, 1f }, new long[] { 2, 1 }, "MlpLogitDifference");
            ctx.CreateNode("MatMul", new[] { logits, difference }, new[] { outputNames[0] }, ctx.GetNodeName("MatMul"), "");
        }

        /// <summary>The model-file header (written since format version 2; the versions are in docs/model-format.md).</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("MLP BINR", LoaderSignature, typeof(MlpBinaryModelParameters));

        private protected override VersionInfo VersionInfoForSave => GetVersionInfo();

        /// <summary>ML.NET's loader entry point, found through the LoadableClass attribute above.</summary>
        private static MlpBinaryModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
            ModelFormat.Load(env, ctx, GetVersionInfo, version => new MlpBinaryModelParameters(env, ctx, version));
    }
}
