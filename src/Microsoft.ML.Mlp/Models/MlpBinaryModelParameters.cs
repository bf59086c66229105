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

[assembly: LoadableClass(typeof(MlpBinaryModelParameters), null, typeof(SignatureLoadModel),
    "Multilayer Perceptron Binary Executor", MlpBinaryModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A trained binary multilayer perceptron: maps a feature vector to a score, the logit of the positive class. The network
    /// has two softmax outputs (false, true); the score is the difference of their logits, z₁ − z₀, so that
    /// sigmoid(score) is exactly the network's probability of true. <see cref="MlpBinaryTrainer"/> returns it wrapped with that
    /// fixed sigmoid as ML.NET's calibrator, as ML.NET's own binary trainers return calibrated models. Saved and loaded with
    /// the ML.NET model zip; scoring runs in managed code and holds no native memory.
    /// </summary>
    public sealed class MlpBinaryModelParameters : ModelParametersBase<float>, IValueMapper, IDisposable
    {
        internal const string LoaderSignature = "MlpBinaryExec";
        private const string RegistrationName = "MlpBinaryModelParameters";

        private InferenceNetwork _logits;
        private List<MlpEpochMetrics> _history;
        private VectorDataViewType _inputType;

        internal MlpBinaryModelParameters(IHostEnvironment env, NetworkWeights network, IEnumerable<MlpEpochMetrics> history)
            : base(env, RegistrationName)
        {
            Initialize(network, history.ToList());
        }

        // Three parameters on purpose, as MlpModelParameters: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private MlpBinaryModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, ctx)
        {
            var (network, history) = MlpFormat.Read(ModelFormat.ReadPayload(ctx, formatVersion));
            if (network.Architecture.ClassCount != 2)
                throw FormatReader.Damaged($"a binary model needs 2 outputs but this one has {network.Architecture.ClassCount}");
            Initialize(network, history);
        }

        private void Initialize(NetworkWeights network, List<MlpEpochMetrics> history)
        {
            Network = network;
            _history = history;
            _logits = new InferenceNetwork(network, logits: true);
            _inputType = new VectorDataViewType(NumberDataViewType.Single, NumberOfFeatures);
        }

        /// <summary>Length of the feature vector the model scores.</summary>
        public int NumberOfFeatures => Network.Architecture.InputSize;

        /// <summary>Width of each hidden layer, input side first.</summary>
        public IReadOnlyList<int> HiddenLayerSizes => Array.AsReadOnly(Network.Architecture.HiddenLayerSizes);

        /// <summary>Activation of the hidden layers.</summary>
        public MlpActivation Activation => Network.Architecture.Activation;

        /// <summary>Per-epoch training metrics (loss = binary log-loss, accuracy, validation figures when used); saved with the model.</summary>
        public IReadOnlyList<MlpEpochMetrics> TrainingHistory => _history.AsReadOnly();

        /// <summary>The trained two-output network (engine form).</summary>
        internal NetworkWeights Network { get; private set; }

        /// <summary>Always <see cref="PredictionKind.BinaryClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

        DataViewType IValueMapper.InputType => _inputType;

        DataViewType IValueMapper.OutputType => NumberDataViewType.Single;

        /// <summary>The score of one feature vector: the logit of true (sigmoid(score) is its probability); the Score column's value.</summary>
        /// <param name="features">A vector of <see cref="NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
        public float PredictScore(ReadOnlySpan<float> features)
        {
            var logits = Logits;
            CheckFeatureCount(features.Length);
            Span<float> z = stackalloc float[2];
            logits.Predict(features, z);
            return z[1] - z[0];
        }

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(float), "The binary MLP maps VBuffer<float> to float.");
            _ = Logits;
            ValueMapper<VBuffer<float>, float> map = (in VBuffer<float> src, ref float dst) =>
            {
                var logits = Logits; // a mapper made before Dispose must not score after it
                CheckFeatureCount(src.Length);
                Span<float> z = stackalloc float[2];
                MlpModelParameters.Score(logits, src, z);
                dst = z[1] - z[0];
            };
            return (ValueMapper<TIn, TOut>)(Delegate)map;
        }

        private void CheckFeatureCount(int length)
        {
            if (length != NumberOfFeatures)
                throw new InvalidOperationException(
                    $"The binary MLP model was trained on feature vectors of length {NumberOfFeatures} but was given a vector of length {length}. "
                    + "Score data prepared by the same pipeline (same columns and transforms) as the training data.");
        }

        /// <summary>This model as a two-class multiclass model over the same weights and history: what warm start continues.</summary>
        internal MlpModelParameters AsTwoClassModel() => new MlpModelParameters(Host, Network, _history);

        /// <summary>The model-file header: format versions in docs/model-format.md.</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("MLP BINR", LoaderSignature, typeof(MlpBinaryModelParameters));

        /// <summary>Writes the network and its history into the model stream, as a checksummed block (docs/model-format.md).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void SaveCore(ModelSaveContext ctx)
        {
            _ = Logits;
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfo());
            ModelFormat.WriteBlock(ctx.Writer, writer => MlpFormat.Write(writer, Network, _history));
        }

        /// <summary>ML.NET's loader entry point (found through the LoadableClass attribute).</summary>
        /// <exception cref="System.IO.InvalidDataException">The stored model is damaged (checksum, length or value check failed).</exception>
        /// <exception cref="NotSupportedException">The model was saved in a newer format than this library reads.</exception>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static MlpBinaryModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            if (env == null)
                throw new ArgumentNullException(nameof(env));
            MlNetVersionGuard.EnsureSupported(); // first: ModelFormat.Load names ML.NET internals the JIT resolves before it runs
            return ModelFormat.Load(ctx, GetVersionInfo(), nameof(MlpBinaryModelParameters), version => new MlpBinaryModelParameters(env, ctx, version));
        }

        /// <summary>
        /// Releases the scoring network. Afterwards scoring (directly, through a pipeline or a PredictionEngine), saving and
        /// warm start throw <see cref="ObjectDisposedException"/>; the shape properties and <see cref="TrainingHistory"/> stay readable.
        /// </summary>
        public void Dispose() => _logits = null;

        internal bool IsDisposed => _logits == null;

        private InferenceNetwork Logits =>
            _logits ?? throw new ObjectDisposedException(nameof(MlpBinaryModelParameters),
                $"This {nameof(MlpBinaryModelParameters)} ({Network.Architecture.Describe()}) was disposed and can no longer score or be saved; load or train the model again.");
    }
}
