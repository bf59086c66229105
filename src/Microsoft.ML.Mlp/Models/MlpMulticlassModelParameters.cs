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

[assembly: LoadableClass(typeof(MlpMulticlassModelParameters), null, typeof(SignatureLoadModel),
    "Multilayer Perceptron Multiclass Executor", MlpMulticlassModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A trained multilayer perceptron: maps a feature vector to class probabilities. Saved and loaded with the
    /// ML.NET model zip. Row scoring (pipelines, PredictionEngine, <see cref="PredictProbabilities"/>) runs in managed code,
    /// batch normalization folded into the layers; <see cref="PredictBatch"/> multiplies block by block (a managed kernel where
    /// the CPU has AVX-512, else libtorch's BLAS). The model holds no native memory.
    /// </summary>
    public sealed class MlpMulticlassModelParameters : MlpModelParametersBase<VBuffer<float>>
    {
        internal const string LoaderSignature = "MlpMulticlassExec";
        private const string RegistrationName = "MlpMulticlassModelParameters";

        private const string Kind = "MLP";

        internal MlpMulticlassModelParameters(IHostEnvironment env, TrainedMlp trained)
            : base(env, RegistrationName, Kind)
        {
            Initialize(trained, logits: false);
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        // The base constructor reads ML.NET's own prefix (sizeof(float)); the rest is ours, read by format version.
        private MlpMulticlassModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, Kind, ctx)
        {
            Initialize(MlpFormat.Read(ModelFormat.ReadPayload(ctx, formatVersion)), logits: false);
        }

        /// <summary>Number of classes (length of the Score vector).</summary>
        public int NumberOfClasses => Network.Architecture.OutputSize;

        /// <summary>Always <see cref="PredictionKind.MulticlassClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

        /// <summary>Class probabilities (summing to 1) of one feature vector; the same numbers the Score column holds.</summary>
        /// <param name="features">A vector of <see cref="ValueMapperModelParametersBase{TOutput}.NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
        public float[] PredictProbabilities(ReadOnlySpan<float> features)
        {
            var inference = Inference;
            CheckFeatureCount(features.Length);
            var probabilities = new float[NumberOfClasses];
            inference.Predict(features, probabilities);
            return probabilities;
        }

        /// <summary>
        /// Class probabilities of many rows at once, for bulk scoring outside a pipeline: one matrix product per layer
        /// over each block of up to 256 rows (in managed code where the CPU has AVX-512, else MKL's sgemm), blocks side by side
        /// on libtorch's intra-op threads (for rows of up to 4,096 values, with the same bits on every thread count). Same network as <see cref="PredictProbabilities(ReadOnlySpan{float})"/>,
        /// other summation order (results agree to float rounding, not bit for bit).
        /// </summary>
        /// <param name="features">Row-major rows of <see cref="ValueMapperModelParametersBase{TOutput}.NumberOfFeatures"/> values each.</param>
        /// <param name="rowCount">Number of rows in <paramref name="features"/>.</param>
        /// <returns>Row-major [rowCount, <see cref="NumberOfClasses"/>] probabilities.</returns>
        /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
        public float[] PredictBatch(float[] features, int rowCount)
        {
            var inference = Inference;
            if (features == null)
                throw new ArgumentNullException(nameof(features));
            if (rowCount < 0 || (long)rowCount * NumberOfFeatures != features.Length)
                throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount,
                    $"features holds {features.Length} values, which is not rowCount × {NumberOfFeatures} (the model's feature count).");
            var probabilities = new float[checked(rowCount * NumberOfClasses)];
            // Block by block (the scratch memory stays bounded), on as many threads as libtorch's intra-op pool has.
            inference.PredictBatch(features, 0, rowCount, probabilities, TorchSharp.torch.get_num_threads());
            return probabilities;
        }

        internal override Differentiable CreateExplainedFunction() => new Chain(CreateNetworkFunction(), new SoftmaxHead(NumberOfClasses));

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every row: optimised from the first, not after tiering
        private protected override void Map(InferenceNetwork network, in VBuffer<float> src, ref VBuffer<float> dst)
        {
            var editor = VBufferEditor.Create(ref dst, NumberOfClasses);
            Score(network, src, editor.Values);
            dst = editor.Commit();
        }

        /// <summary>The multiclass head as ML.NET's multiclass linear models write it: outputs are PredictedLabel, Score; the
        /// network's softmax is the Score, its arg-max + 1 the PredictedLabel key.</summary>
        private protected override void WriteOnnx(OnnxContext ctx, InferenceNetwork network, string features, string[] outputNames)
        {
            string score = MlpOnnxWriter.WriteNetwork(ctx, network, features, outputNames[1]);
            MlpOnnxWriter.WritePredictedLabel(ctx, score, outputNames[0]);
        }

        /// <summary>The model-file header (written since format version 1; the versions are in docs/model-format.md).</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("MLP MCLS", LoaderSignature, typeof(MlpMulticlassModelParameters));

        private protected override VersionInfo VersionInfoForSave => GetVersionInfo();

        /// <summary>ML.NET's loader entry point, found through the LoadableClass attribute above.</summary>
        private static MlpMulticlassModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
            ModelFormat.Load(env, ctx, GetVersionInfo, version => new MlpMulticlassModelParameters(env, ctx, version));
    }
}
