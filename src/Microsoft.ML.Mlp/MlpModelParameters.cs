using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Internals;

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
        private bool _disposed;

        internal MlpModelParameters(IHostEnvironment env, NetworkWeights network, IEnumerable<MlpEpochMetrics> history)
            : base(env, RegistrationName)
        {
            Initialize(network, history.ToList());
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private MlpModelParameters(IHostEnvironment env, ModelLoadContext ctx, string registrationName)
            : base(env, registrationName, ctx)
        {
            Initialize(NetworkWeights.Read(ctx.Reader), HistoryFormat.Read(ctx.Reader));
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
        public float[] PredictProbabilities(ReadOnlySpan<float> features)
        {
            CheckFeatureCount(features.Length);
            var probabilities = new float[NumberOfClasses];
            _inference.Predict(features, probabilities);
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
        public float[] PredictBatch(float[] features, int rowCount)
        {
            if (features == null)
                throw new ArgumentNullException(nameof(features));
            if (rowCount < 0 || (long)rowCount * NumberOfFeatures != features.Length)
                throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount,
                    $"features holds {features.Length} values, which is not rowCount × {NumberOfFeatures} (the model's feature count).");
            var probabilities = new float[checked(rowCount * NumberOfClasses)];
            // Chunks bound the scratch memory; each is still one large matrix product per layer, read in place.
            const int Chunk = 4096;
            for (int start = 0; start < rowCount; start += Chunk)
                _inference.PredictBatch(features, start, Math.Min(Chunk, rowCount - start), probabilities);
            return probabilities;
        }

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(VBuffer<float>), "MLP maps VBuffer<float> to VBuffer<float>.");
            ValueMapper<VBuffer<float>, VBuffer<float>> map = (in VBuffer<float> src, ref VBuffer<float> dst) =>
            {
                CheckFeatureCount(src.Length);
                var editor = VBufferEditor.Create(ref dst, NumberOfClasses);
                if (src.IsDense)
                    _inference.Predict(src.GetValues(), editor.Values);
                else
                    _inference.Predict(Densify(src), editor.Values);
                dst = editor.Commit();
            };
            return (ValueMapper<TIn, TOut>)(Delegate)map;
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

        private static VersionInfo GetVersionInfo() =>
            MlNetBridge.Version("MLP MCLS", 0x00010001, LoaderSignature, typeof(MlpModelParameters));

        /// <summary>Writes the network and its history into the model stream.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void SaveCore(ModelSaveContext ctx)
        {
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfo());
            Network.Write(ctx.Writer);
            HistoryFormat.Write(ctx.Writer, _history);
        }

        /// <summary>ML.NET's loader entry point (found through the LoadableClass attribute).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static MlpModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            if (env == null)
                throw new ArgumentNullException(nameof(env));
            MlNetBridge.CheckAtModel(ctx, GetVersionInfo); // version guard first; names no ML.NET internal member
            return new MlpModelParameters(env, ctx, RegistrationName);
        }

        /// <summary>Models hold only managed arrays; disposing marks the model unusable for further training warm starts.</summary>
        public void Dispose() => _disposed = true;

        internal bool IsDisposed => _disposed;
    }

    /// <summary>Binary form of a training history inside a model stream.</summary>
    internal static class HistoryFormat
    {
        public static void Write(BinaryWriter writer, IReadOnlyList<MlpEpochMetrics> history)
        {
            writer.Write(history.Count);
            foreach (var h in history)
            {
                writer.Write(h.Member);
                writer.Write(h.Epoch);
                writer.Write(h.TrainingLoss);
                writer.Write(h.TrainingAccuracy);
                writer.Write(h.ValidationLoss ?? double.NaN);
                writer.Write(h.ValidationAccuracy ?? double.NaN);
                writer.Write(h.LearningRate);
                writer.Write(h.Duration.Ticks);
                writer.Write(h.Elapsed.Ticks);
            }
        }

        public static List<MlpEpochMetrics> Read(BinaryReader reader)
        {
            int count = reader.ReadInt32();
            if (count < 0)
                throw new InvalidDataException("The saved MLP training history is corrupt.");
            var history = new List<MlpEpochMetrics>(count);
            for (int i = 0; i < count; i++)
            {
                int member = reader.ReadInt32();
                int epoch = reader.ReadInt32();
                double loss = reader.ReadDouble(), accuracy = reader.ReadDouble(), vLoss = reader.ReadDouble(), vAccuracy = reader.ReadDouble();
                history.Add(new MlpEpochMetrics
                {
                    Member = member,
                    Epoch = epoch,
                    TrainingLoss = loss,
                    TrainingAccuracy = accuracy,
                    ValidationLoss = double.IsNaN(vLoss) ? null : vLoss,
                    ValidationAccuracy = double.IsNaN(vAccuracy) ? null : vAccuracy,
                    LearningRate = reader.ReadDouble(),
                    Duration = TimeSpan.FromTicks(reader.ReadInt64()),
                    Elapsed = TimeSpan.FromTicks(reader.ReadInt64()),
                });
            }
            return history;
        }
    }
}
