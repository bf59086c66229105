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

[assembly: LoadableClass(typeof(MlpRegressionModelParameters), null, typeof(SignatureLoadModel),
    "Multilayer Perceptron Regression Executor", MlpRegressionModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A trained regression multilayer perceptron: maps a feature vector to a score in the label's units. The network has one
    /// linear output trained on the standardised label, (label − <see cref="LabelMean"/>) / <see cref="LabelStandardDeviation"/>;
    /// the score is output × <see cref="LabelStandardDeviation"/> + <see cref="LabelMean"/>, and the scale is saved with the
    /// model. Saved and loaded with the ML.NET model zip; scoring runs in managed code and holds no native memory.
    /// </summary>
    public sealed class MlpRegressionModelParameters : ModelParametersBase<float>, IValueMapper, IDisposable
    {
        internal const string LoaderSignature = "MlpRegressionExec";
        private const string RegistrationName = "MlpRegressionModelParameters";

        private InferenceNetwork _output;
        private List<MlpEpochMetrics> _history;
        private VectorDataViewType _inputType;

        internal MlpRegressionModelParameters(IHostEnvironment env, NetworkWeights network, IEnumerable<MlpEpochMetrics> history, double mean, double std)
            : base(env, RegistrationName)
        {
            Initialize(network, history.ToList(), mean, std);
        }

        // Three parameters on purpose, as MlpModelParameters: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private MlpRegressionModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, ctx)
        {
            var reader = ModelFormat.ReadPayload(ctx, formatVersion);
            // The label scale comes first: the network's reader checks that the payload ends with its history.
            double mean = reader.ReadDouble("the label mean"), std = reader.ReadDouble("the label standard deviation");
            if (!double.IsFinite(mean) || !(std > 0) || double.IsInfinity(std))
                throw FormatReader.Damaged($"the label scale is impossible (mean {mean}, standard deviation {std})");
            var (network, history) = MlpFormat.Read(reader, minimumOutputs: 1);
            if (network.Architecture.ClassCount != 1)
                throw FormatReader.Damaged($"a regression model needs 1 output but this one has {network.Architecture.ClassCount}");
            Initialize(network, history, mean, std);
        }

        private void Initialize(NetworkWeights network, List<MlpEpochMetrics> history, double mean, double std)
        {
            Network = network;
            _history = history;
            LabelMean = mean;
            LabelStandardDeviation = std;
            _output = new InferenceNetwork(network, logits: true);
            _inputType = new VectorDataViewType(NumberDataViewType.Single, NumberOfFeatures);
        }

        /// <summary>Length of the feature vector the model scores.</summary>
        public int NumberOfFeatures => Network.Architecture.InputSize;

        /// <summary>Width of each hidden layer, input side first.</summary>
        public IReadOnlyList<int> HiddenLayerSizes => Array.AsReadOnly(Network.Architecture.HiddenLayerSizes);

        /// <summary>Activation of the hidden layers.</summary>
        public MlpActivation Activation => Network.Architecture.Activation;

        /// <summary>Mean of the training label (unweighted, over the rows trained on): the score of a zero network output.</summary>
        public double LabelMean { get; private set; }

        /// <summary>Standard deviation of the training label (unweighted, population; 1 for a constant label): one network output unit in label units.</summary>
        public double LabelStandardDeviation { get; private set; }

        /// <summary>Per-epoch training metrics: loss = the training loss on the standardised label (validation loss likewise),
        /// accuracy always 0 (regression has none); saved with the model.</summary>
        public IReadOnlyList<MlpEpochMetrics> TrainingHistory => _history.AsReadOnly();

        /// <summary>The trained one-output network (engine form).</summary>
        internal NetworkWeights Network { get; private set; }

        /// <summary>Always <see cref="PredictionKind.Regression"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.Regression;

        DataViewType IValueMapper.InputType => _inputType;

        DataViewType IValueMapper.OutputType => NumberDataViewType.Single;

        /// <summary>The prediction for one feature vector, in the label's units; the Score column's value.</summary>
        /// <param name="features">A vector of <see cref="NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
        public float PredictScore(ReadOnlySpan<float> features)
        {
            var output = Output;
            CheckFeatureCount(features.Length);
            Span<float> z = stackalloc float[1];
            output.Predict(features, z);
            return Unscale(z[0]);
        }

        private float Unscale(float output) => (float)(output * LabelStandardDeviation + LabelMean);

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(float), "The regression MLP maps VBuffer<float> to float.");
            _ = Output;
            ValueMapper<VBuffer<float>, float> map = (in VBuffer<float> src, ref float dst) =>
            {
                var output = Output; // a mapper made before Dispose must not score after it
                CheckFeatureCount(src.Length);
                Span<float> z = stackalloc float[1];
                MlpModelParameters.Score(output, src, z);
                dst = Unscale(z[0]);
            };
            return (ValueMapper<TIn, TOut>)(Delegate)map;
        }

        private void CheckFeatureCount(int length)
        {
            if (length != NumberOfFeatures)
                throw new InvalidOperationException(
                    $"The regression MLP model was trained on feature vectors of length {NumberOfFeatures} but was given a vector of length {length}. "
                    + "Score data prepared by the same pipeline (same columns and transforms) as the training data.");
        }

        /// <summary>The model-file header: format versions in docs/model-format.md.</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("MLP REGR", LoaderSignature, typeof(MlpRegressionModelParameters));

        /// <summary>Writes the label scale, the network and its history into the model stream, as a checksummed block (docs/model-format.md).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void SaveCore(ModelSaveContext ctx)
        {
            _ = Output;
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfo());
            ModelFormat.WriteBlock(ctx.Writer, writer =>
            {
                writer.Write(LabelMean);
                writer.Write(LabelStandardDeviation);
                MlpFormat.Write(writer, Network, _history);
            });
        }

        /// <summary>ML.NET's loader entry point (found through the LoadableClass attribute).</summary>
        /// <exception cref="System.IO.InvalidDataException">The stored model is damaged (checksum, length or value check failed).</exception>
        /// <exception cref="NotSupportedException">The model was saved in a newer format than this library reads.</exception>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static MlpRegressionModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            if (env == null)
                throw new ArgumentNullException(nameof(env));
            MlNetVersionGuard.EnsureSupported(); // first: ModelFormat.Load names ML.NET internals the JIT resolves before it runs
            return ModelFormat.Load(ctx, GetVersionInfo(), nameof(MlpRegressionModelParameters), version => new MlpRegressionModelParameters(env, ctx, version));
        }

        /// <summary>
        /// Releases the scoring network. Afterwards scoring (directly, through a pipeline or a PredictionEngine), saving and
        /// warm start throw <see cref="ObjectDisposedException"/>; the shape properties and <see cref="TrainingHistory"/> stay readable.
        /// </summary>
        public void Dispose() => _output = null;

        internal bool IsDisposed => _output == null;

        private InferenceNetwork Output =>
            _output ?? throw new ObjectDisposedException(nameof(MlpRegressionModelParameters),
                $"This {nameof(MlpRegressionModelParameters)} ({Network.Architecture.Describe()}) was disposed and can no longer score or be saved; load or train the model again.");
    }
}
