using System;
using System.IO;
using System.ComponentModel;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;
using Microsoft.ML.Trainers.Mlp.Onnx;

[assembly: LoadableClass(typeof(MlpRegressionModelParameters), null, typeof(SignatureLoadModel),
    "Multilayer Perceptron Regression Executor", MlpRegressionModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A trained regression multilayer perceptron: maps a feature vector to a score in the label's units. The network has one
    /// linear output trained on the standardised label, (label − <see cref="LabelMean"/>) / <see cref="LabelStandardDeviation"/>;
    /// the score is output × <see cref="LabelStandardDeviation"/> + <see cref="LabelMean"/>, and the scale is saved with the
    /// model. Saved and loaded with the ML.NET model zip; scoring runs in managed code and holds no native memory. ML.NET's
    /// <c>mlContext.Transforms.CalculateFeatureContribution</c> explains its Score (integrated gradients, README "Explaining predictions").
    /// </summary>
    public sealed class MlpRegressionModelParameters : MlpModelParametersBase<float>, ICalculateFeatureContribution, IFeatureContributionMapper
    {
        internal const string LoaderSignature = "MlpRegressionExec";
        private const string RegistrationName = "MlpRegressionModelParameters";

        private const string Kind = "regression MLP";

        internal MlpRegressionModelParameters(IHostEnvironment env, TrainedMlp trained, double mean, double std)
            : base(env, RegistrationName, Kind)
        {
            Initialize(trained, mean, std);
        }

        // Three parameters on purpose, as MlpMulticlassModelParameters: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private MlpRegressionModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, Kind, ctx)
        {
            var reader = ModelFormat.ReadPayload(ctx, formatVersion);
            // The label scale comes first: the network's reader checks that the payload ends with its history.
            double mean = reader.ReadDouble("the label mean"), std = reader.ReadDouble("the label standard deviation");
            if (!double.IsFinite(mean) || !(std > 0) || double.IsInfinity(std))
                throw FormatReader.Damaged($"the label scale is impossible (mean {mean}, standard deviation {std})");
            var trained = MlpFormat.Read(reader, minimumOutputs: 1);
            if (trained.Network.Architecture.OutputSize != 1)
                throw FormatReader.Damaged($"a regression model needs 1 output but this one has {trained.Network.Architecture.OutputSize}");
            Initialize(trained, mean, std);
        }

        private void Initialize(TrainedMlp trained, double mean, double std)
        {
            LabelMean = mean;
            LabelStandardDeviation = std;
            Initialize(trained, logits: true);
        }

        /// <summary>Mean of the training label (unweighted, over the rows trained on): the score of a zero network output.</summary>
        public double LabelMean { get; private set; }

        /// <summary>Standard deviation of the training label (unweighted, population; 1 for a constant label): one network output unit in label units.</summary>
        public double LabelStandardDeviation { get; private set; }

        /// <summary>The scale warm start keeps.</summary>
        private protected override LabelScale LabelScale => new(LabelMean, LabelStandardDeviation);

        /// <summary>Always <see cref="PredictionKind.Regression"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.Regression;

        /// <summary>The prediction for one feature vector, in the label's units; the Score column's value.</summary>
        /// <param name="features">A vector of <see cref="ValueMapperModelParametersBase{TOutput}.NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
        public float PredictScore(ReadOnlySpan<float> features)
        {
            var output = Inference;
            CheckFeatureCount(features.Length);
            Span<float> z = stackalloc float[1];
            output.Predict(features, z);
            return Unscale(z[0]);
        }

        // ML.NET's mlContext.Transforms.CalculateFeatureContribution: integrated gradients of the Score (Models/ScoreContributions.cs).
        FeatureContributionCalculator ICalculateFeatureContribution.FeatureContributionCalculator => new(this);

        ValueMapper<TSrc, VBuffer<float>> IFeatureContributionMapper.GetFeatureContributionMapper<TSrc, TDst>(int top, int bottom, bool normalize) =>
            ScoreContributions.Create<TSrc, TDst, float>(this, top, bottom, normalize);

        internal override Differentiable CreateExplainedFunction() =>
            new Chain(CreateNetworkFunction(), new AffineHead(LabelStandardDeviation, LabelMean));

        private float Unscale(float output) => (float)(output * LabelStandardDeviation + LabelMean);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every row: optimised from the first, not after tiering
        private protected override void Map(InferenceNetwork network, in VBuffer<float> src, ref float dst)
        {
            Span<float> z = stackalloc float[1];
            Score(network, src, z);
            dst = Unscale(z[0]);
        }

        /// <summary>The regression head: Score = output × std + mean, in double as the managed scoring computes it, then float.</summary>
        private protected override void WriteOnnx(OnnxContext ctx, InferenceNetwork network, string features, string[] outputNames)
        {
            string output = MlpOnnxWriter.WriteNetwork(ctx, network, features);
            string wide = MlpOnnxWriter.Intermediate(ctx, "MlpOutputDouble"), scaled = MlpOnnxWriter.Intermediate(ctx, "MlpScaled"),
                shifted = MlpOnnxWriter.Intermediate(ctx, "MlpShifted");
            ctx.CreateNode("Cast", output, wide, ctx.GetNodeName("Cast"), "").AddAttribute("to", typeof(double));
            ctx.CreateNode("Mul", new[] { wide, ctx.AddInitializer(LabelStandardDeviation, "LabelStandardDeviation") }, new[] { scaled }, ctx.GetNodeName("Mul"), "");
            ctx.CreateNode("Add", new[] { scaled, ctx.AddInitializer(LabelMean, "LabelMean") }, new[] { shifted }, ctx.GetNodeName("Add"), "");
            ctx.CreateNode("Cast", shifted, outputNames[0], ctx.GetNodeName("Cast"), "").AddAttribute("to", typeof(float));
        }

        /// <summary>The label scale comes first in the saved block, before the network.</summary>
        private protected override void WriteHead(BinaryWriter writer)
        {
            writer.Write(LabelMean);
            writer.Write(LabelStandardDeviation);
        }

        /// <summary>The model-file header (written since format version 2; the versions are in docs/model-format.md).</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("MLP REGR", LoaderSignature, typeof(MlpRegressionModelParameters));

        private protected override VersionInfo VersionInfoForSave => GetVersionInfo();

        /// <summary>ML.NET's loader entry point, found through the LoadableClass attribute above.</summary>
        private static MlpRegressionModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
            ModelFormat.Load(env, ctx, GetVersionInfo, version => new MlpRegressionModelParameters(env, ctx, version));
    }
}
