using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Internals;
using Microsoft.ML.Trainers.Mlp.Models;

[assembly: LoadableClass(typeof(MlpModelParameters), null, typeof(SignatureLoadModel),
    "Multilayer Perceptron Multiclass Executor", MlpModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A trained multilayer perceptron: maps a feature vector to class probabilities. Saved and loaded with the
    /// ML.NET model zip. Scoring runs in managed code (batch normalization folded into the layers), so a
    /// loaded model needs no libtorch to predict and holds no native memory.
    /// </summary>
    public sealed class MlpModelParameters : ModelParametersBase<VBuffer<float>>, IValueMapper, IDisposable
    {
        internal const string LoaderSignature = "MlpMulticlassExec";
        private const string RegistrationName = "MlpModelParameters";

        private InferenceNetwork _inference;
        private List<MlpEpochMetrics> _history;
        private VectorDataViewType _inputType;
        private VectorDataViewType _outputType;

        internal MlpModelParameters(IHostEnvironment env, NetworkWeights network, IEnumerable<MlpEpochMetrics> history)
            : base(env, RegistrationName)
        {
            Initialize(network, history.ToList());
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        // The base constructor reads ML.NET's own prefix (sizeof(float)); the rest is ours, read by format version.
        private MlpModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, ctx)
        {
            var (network, history) = MlpFormat.Read(ModelFormat.ReadPayload(ctx, formatVersion));
            Initialize(network, history);
        }

        private void Initialize(NetworkWeights network, List<MlpEpochMetrics> history)
        {
            Network = network;
            _history = history;
            _inference = new InferenceNetwork(network);
            _inputType = new VectorDataViewType(NumberDataViewType.Single, NumberOfFeatures);
            _outputType = new VectorDataViewType(NumberDataViewType.Single, NumberOfClasses);
        }

        /// <summary>Length of the feature vector the model scores.</summary>
        public int NumberOfFeatures => Network.Architecture.InputSize;

        /// <summary>Number of classes (length of the Score vector).</summary>
        public int NumberOfClasses => Network.Architecture.ClassCount;

        /// <summary>Width of each hidden layer, input side first.</summary>
        public IReadOnlyList<int> HiddenLayerSizes => Array.AsReadOnly(Network.Architecture.HiddenLayerSizes);

        /// <summary>Activation of the hidden layers.</summary>
        public MlpActivation Activation => Network.Architecture.Activation;

        /// <summary>Per-epoch training metrics (loss, accuracy, validation figures when used); saved with the model.</summary>
        public IReadOnlyList<MlpEpochMetrics> TrainingHistory => _history.AsReadOnly();

        /// <summary>The trained weights (engine form).</summary>
        internal NetworkWeights Network { get; private set; }

        /// <summary>Always <see cref="PredictionKind.MulticlassClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

        DataViewType IValueMapper.InputType => _inputType;

        DataViewType IValueMapper.OutputType => _outputType;

        /// <summary>Class probabilities (summing to 1) of one feature vector; the same numbers the Score column holds.</summary>
        /// <param name="features">A vector of <see cref="NumberOfFeatures"/> values.</param>
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
        /// over all rows. Same network as <see cref="PredictProbabilities(ReadOnlySpan{float})"/>, other summation order
        /// (results agree to float rounding, not bit for bit).
        /// </summary>
        /// <param name="features">Row-major rows of <see cref="NumberOfFeatures"/> values each.</param>
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
            // Chunks bound the scratch memory; each is still one large matrix product per layer, read in place.
            const int Chunk = 4096;
            for (int start = 0; start < rowCount; start += Chunk)
                inference.PredictBatch(features, start, Math.Min(Chunk, rowCount - start), probabilities);
            return probabilities;
        }

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(VBuffer<float>), "MLP maps VBuffer<float> to VBuffer<float>.");
            _ = Inference;
            ValueMapper<VBuffer<float>, VBuffer<float>> map = (in VBuffer<float> src, ref VBuffer<float> dst) =>
            {
                var inference = Inference; // a mapper made before Dispose must not score after it
                CheckFeatureCount(src.Length);
                var editor = VBufferEditor.Create(ref dst, NumberOfClasses);
                Score(inference, src, editor.Values);
                dst = editor.Commit();
            };
            return (ValueMapper<TIn, TOut>)(Delegate)map;
        }

        /// <summary>
        /// Runs <paramref name="network"/> on one ML.NET vector, dense or sparse — the one dispatch every MLP model's mapper
        /// uses, so a row gives the same bits however it arrives: mostly non-zero sparse rows are made dense (the dense rows'
        /// dot products), others score from their non-zeros only (text, one-hot).
        /// </summary>
        internal static void Score(InferenceNetwork network, in VBuffer<float> src, Span<float> output)
        {
            if (src.IsDense)
                network.Predict(src.GetValues(), output);
            else if (src.GetValues().Length * 4 > src.Length)
                network.Predict(Densify(src), output);
            else
                network.PredictSparse(src.GetIndices(), src.GetValues(), output);
        }

        [ThreadStatic]
        private static float[] t_dense;

        private static ReadOnlySpan<float> Densify(in VBuffer<float> src)
        {
            if (t_dense == null || t_dense.Length < src.Length)
                t_dense = new float[src.Length];
            var dense = t_dense.AsSpan(0, src.Length);
            dense.Clear();
            var values = src.GetValues();
            var indices = src.GetIndices();
            for (int i = 0; i < indices.Length; i++)
                dense[indices[i]] = values[i];
            return dense;
        }

        private void CheckFeatureCount(int length)
        {
            if (length != NumberOfFeatures)
                throw new InvalidOperationException(
                    $"The MLP model was trained on feature vectors of length {NumberOfFeatures} but was given a vector of length {length}. "
                    + "Score data prepared by the same pipeline (same columns and transforms) as the training data.");
        }

        /// <summary>The model-file header: format versions in docs/model-format.md.</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("MLP MCLS", LoaderSignature, typeof(MlpModelParameters));

        /// <summary>Writes the network and its history into the model stream, as a checksummed block (docs/model-format.md).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void SaveCore(ModelSaveContext ctx)
        {
            _ = Inference;
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfo());
            ModelFormat.WriteBlock(ctx.Writer, writer => MlpFormat.Write(writer, Network, _history));
        }

        /// <summary>ML.NET's loader entry point (found through the LoadableClass attribute).</summary>
        /// <exception cref="System.IO.InvalidDataException">The stored model is damaged (checksum, length or value check failed).</exception>
        /// <exception cref="NotSupportedException">The model was saved in a newer format than this library reads.</exception>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static MlpModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            if (env == null)
                throw new ArgumentNullException(nameof(env));
            MlNetVersionGuard.EnsureSupported(); // first: ModelFormat.Load names ML.NET internals the JIT resolves before it runs
            return ModelFormat.Load(ctx, GetVersionInfo(), nameof(MlpModelParameters), version => new MlpModelParameters(env, ctx, version));
        }

        /// <summary>
        /// Releases the scoring network. Afterwards scoring (<see cref="PredictProbabilities"/>, <see cref="PredictBatch"/>,
        /// the model's mappers and so a pipeline holding it), saving and warm start throw <see cref="ObjectDisposedException"/>;
        /// the shape properties and <see cref="TrainingHistory"/> stay readable.
        /// </summary>
        public void Dispose() => _inference = null;

        internal bool IsDisposed => _inference == null;

        private InferenceNetwork Inference =>
            _inference ?? throw new ObjectDisposedException(nameof(MlpModelParameters),
                $"This {nameof(MlpModelParameters)} ({Network.Architecture.Describe()}) was disposed and can no longer score or be saved; load or train the model again.");
    }
}
