using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// What every trained multilayer perceptron of this package shares, whatever its task: the network, its feature scaling,
    /// its training history and settings, the feature-count check, the one dense/sparse scoring dispatch, the saved block (docs/model-format.md),
    /// disposal of the scoring network, and ONNX export of the network. Each task adds only its head: how the network's last
    /// layer becomes the Score column (<see cref="MlpMulticlassModelParameters"/>: softmax probabilities; <see cref="MlpBinaryModelParameters"/>:
    /// the logit z₁ − z₀; <see cref="MlpRegressionModelParameters"/>: output × standard deviation + mean).
    /// </summary>
    /// <typeparam name="TOutput">The Score column's type: a vector for multiclass, a single value for binary and regression.</typeparam>
    public abstract class MlpModelParametersBase<TOutput> : ValueMapperModelParametersBase<TOutput>, ITrainedNetwork
    {
        private readonly string _kind;
        private InferenceNetwork _inference;
        private TrainedMlp _trained;

        // Both constructors are private protected: only this package's three models derive from this class.
        private protected MlpModelParametersBase(IHostEnvironment env, string registrationName, string kind)
            : base(env, registrationName)
        {
            _kind = kind;
        }

        private protected MlpModelParametersBase(IHostEnvironment env, string registrationName, string kind, ModelLoadContext ctx)
            : base(env, registrationName, ctx)
        {
            _kind = kind;
            ScoringCode.CompileInBackground(); // a loaded model is about to score: its first rows find their code compiled
        }

        /// <summary>Sets the network and what goes with it; every constructor of a derived model ends with it.</summary>
        /// <param name="trained">The network, its history, feature scaling and training settings (as trained or as read).</param>
        /// <param name="logits">True: the network outputs its last layer's raw values; false: their softmax.</param>
        private protected void Initialize(TrainedMlp trained, bool logits)
        {
            _trained = trained;
            Network = trained.Network;
            _inference = new InferenceNetwork(trained.Network, logits, trained.Scaler);
            SetShape(_inference.FeatureCount, Network.Architecture.OutputSize);
        }

        /// <summary>Width of each hidden layer, input side first.</summary>
        public IReadOnlyList<int> HiddenLayerSizes => Array.AsReadOnly(Network.Architecture.HiddenLayerSizes);

        /// <summary>Activation of the hidden layers.</summary>
        public MlpActivation Activation => Network.Architecture.Activation;

        /// <summary>Per-epoch training metrics (loss, accuracy, validation figures when used); saved with the model. The loss is
        /// the task's training loss: cross-entropy, binary log-loss, or the regression loss on the standardised label (whose
        /// accuracy is always 0).</summary>
        public IReadOnlyList<MlpEpochMetrics> TrainingHistory => _trained.History.AsReadOnly();

        /// <summary>How the features are preprocessed before the first layer (fitted on the training rows, applied by every
        /// scoring path and the ONNX export). <see cref="MlpFeatureScaling.None"/> for models saved before format 4.</summary>
        public MlpFeatureScaling FeatureScaling => _trained.Scaler == null ? MlpFeatureScaling.None : MlpFeatureScaling.Robust;

        /// <summary>How the scaled numeric features are embedded before the first layer: <see cref="MlpNumericEmbedding.PiecewiseLinear"/>
        /// when the model encodes some feature's bins, else <see cref="MlpNumericEmbedding.None"/>.</summary>
        public MlpNumericEmbedding NumericEmbedding => _trained.Scaler?.Encoding == null ? MlpNumericEmbedding.None : MlpNumericEmbedding.PiecewiseLinear;

        /// <summary>The values the fit trained with, one line naming each option (hidden layers, activation, optimizer, learning
        /// rate, batch size, epochs, …, feature scaling); the ones chosen from the data (options left null) are marked with *.
        /// Empty for models saved before format 4.</summary>
        public string TrainingSettings => _trained.TrainingSettings;

        /// <summary>
        /// Per feature, the mean of the rows the model was trained on, as read (before its feature scaling): the default baseline
        /// of integrated gradients (<see cref="MlpExplainabilityCatalog.CalculateIntegratedGradients(TransformsCatalog, ISingleFeaturePredictionTransformer{object}, int, float[], int?, string)"/>),
        /// an "average row". A streamed fit averages its first block. Null for models saved before format 4 (their baseline is all zeros).
        /// </summary>
        public IReadOnlyList<float> FeatureMeans => _trained.FeatureMeans == null ? null : Array.AsReadOnly(_trained.FeatureMeans);

        /// <summary>The trained weights (engine form).</summary>
        internal NetworkWeights Network { get; private set; }

        /// <summary>Integrated gradients' default baseline: <see cref="FeatureMeans"/>, or all zeros when the model has none.</summary>
        internal float[] DefaultBaseline => _trained.FeatureMeans ?? new float[NumberOfFeatures];

        private DenseStack _gradientStack;

        /// <summary>A new gradient function of the network's raw last-layer values (one per caller: it keeps its scratch). Its
        /// weights are made once per model and shared.</summary>
        /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
        internal DenseStackFunction CreateNetworkFunction()
        {
            var inference = Inference;
            return new DenseStackFunction(_gradientStack ??= DenseStack.Of(inference));
        }

        /// <summary>A new gradient function of what this model's explanations attribute (one per caller): the class
        /// probabilities (multiclass), the Score's logit (binary), the Score in label units (regression).</summary>
        internal abstract Differentiable CreateExplainedFunction();

        /// <summary>The label scale the network's output is in: identity unless the task standardises its label (regression).</summary>
        private protected virtual LabelScale LabelScale => LabelScale.Identity;

        NetworkWeights ITrainedNetwork.Network => Network;

        LabelScale ITrainedNetwork.LabelScale => LabelScale;

        FeatureScaler ITrainedNetwork.FeatureScaler => _trained.Scaler;

        bool ITrainedNetwork.IsDisposed => IsDisposed;

        /// <summary>Fills <paramref name="dst"/> from one row: <see cref="Score"/> on <paramref name="network"/>, then the head.</summary>
        private protected abstract void Map(InferenceNetwork network, in VBuffer<float> src, ref TOutput dst);

        /// <summary>Writes what the derived model saves before the network (nothing unless overridden).</summary>
        private protected virtual void WriteHead(BinaryWriter writer)
        {
        }

        private protected sealed override ValueMapper<VBuffer<float>, TOutput> CreateMapper() =>
            [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every row
            (in VBuffer<float> src, ref TOutput dst) =>
            {
                var inference = Inference; // a mapper made before Dispose must not score after it
                CheckFeatureCount(src.Length);
                Map(inference, src, ref dst);
            };

        /// <summary>
        /// Runs <paramref name="network"/> on one ML.NET vector, dense or sparse — the one dispatch every MLP model's mapper
        /// uses, so a row gives the same bits however it arrives: mostly non-zero sparse rows are made dense (the dense rows'
        /// dot products), others score from their non-zeros only (text, one-hot).
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every row: optimised from the first
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

        /// <summary>Checks, before an explanation, that the model is not disposed and the row has its feature count.</summary>
        internal void CheckExplainable(int length)
        {
            _ = Inference;
            CheckFeatureCount(length);
        }

        private protected void CheckFeatureCount(int length)
        {
            if (length != NumberOfFeatures)
                throw new InvalidOperationException(
                    $"The {_kind} model was trained on feature vectors of length {NumberOfFeatures} but was given a vector of length {length}. "
                    + "Score data prepared by the same pipeline (same columns and transforms) as the training data.");
        }

        /// <summary>Writes the network, its history (and what the task saves before them) as one checksummed block.</summary>
        private protected sealed override void SaveModel(ModelSaveContext ctx) =>
            ModelFormat.WriteBlock(ctx.Writer, writer =>
            {
                WriteHead(writer);
                MlpFormat.Write(writer, _trained);
            });

        /// <summary>The network (batch norm folded, dropout gone) and the task's head.</summary>
        private protected sealed override void WriteOnnx(OnnxContext ctx, string features, string[] outputNames) =>
            WriteOnnx(ctx, Inference, features, outputNames);

        /// <summary>Writes the network (<see cref="Onnx.MlpOnnxWriter.WriteNetwork"/>) and the task's head into <paramref name="outputNames"/>.</summary>
        private protected abstract void WriteOnnx(OnnxContext ctx, InferenceNetwork network, string features, string[] outputNames);

        /// <summary>Releases the scoring network; warm start from this model then throws too.</summary>
        private protected sealed override void DisposeCore() => _inference = null;

        private protected sealed override void CheckNotDisposed() => _ = Inference;

        internal bool IsDisposed => _inference == null;

        /// <summary>The scoring network; throws once the model is disposed.</summary>
        private protected InferenceNetwork Inference =>
            _inference ?? throw new ObjectDisposedException(GetType().Name,
                $"This {GetType().Name} ({Network.Architecture.Describe()}) was disposed and can no longer score or be saved; load or train the model again.");
    }
}
