using System;
using System.ComponentModel;
using System.Linq;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Trains a multilayer perceptron (TorchSharp) for binary classification. The label must be Boolean; features a known-size
    /// vector of Single. The network is the multiclass one with two softmax outputs (false, true) — a softmax over two logits is
    /// the sigmoid of their difference — so every option, the engine and the model format are shared with <see cref="MlpTrainer"/>.
    /// <c>Fit</c> returns ML.NET's <see cref="BinaryPredictionTransformer{TModel}"/> with Score (the logit), Probability and
    /// PredictedLabel, the columns of <c>LbfgsLogisticRegression</c>, so <c>BinaryClassification.Evaluate</c> gives calibrated metrics.
    /// Create it with <see cref="MlpCatalog.Mlp(BinaryClassificationCatalog.BinaryClassificationTrainers, MlpBinaryTrainer.Options)"/>.
    /// </summary>
    public sealed class MlpBinaryTrainer :
        TrainerEstimatorBase<BinaryPredictionTransformer<CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>>,
            CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>>,
        IEstimator<BinaryPredictionTransformer<CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>>> // re-implemented so pipelines reach our Fit and its checks
    {
        internal const string LoadName = "MlpBinary";
        internal const string TrainerName = "Mlp (binary)";

        /// <summary>Options of <see cref="MlpBinaryTrainer"/>: every field is shared through <see cref="MlpOptionsBase"/>, with the same
        /// defaults as multiclass. <see cref="MlpOptionsBase.ClassWeighting"/> Balanced weighs false and true rows equally in total.</summary>
        public sealed class Options : MlpOptionsBase
        {
            /// <summary>Creates options with the default column names (Label, Features, no weight).</summary>
            public Options()
            {
            }

            internal Options Clone() => (Options)CloneOptions();
        }

        private readonly Options _options;

        internal MlpBinaryTrainer(IHostEnvironment env, Options options)
            : base(MlNetBridge.RegisterTrainer(env, LoadName), TrainerUtils.MakeR4VecFeature(MlpTrainer.CheckOptions(options).FeatureColumnName),
                TrainerUtils.MakeBoolScalarLabel(options.LabelColumnName), TrainerUtils.MakeR4ScalarWeightColumn(options.ExampleWeightColumnName))
        {
            _options = options.Clone();
        }

        /// <summary>Trainer capabilities: normalised features help (AutoML adds a normalizer), no caching needed (the data is read
        /// once), validation data and warm start supported.</summary>
        public override TrainerInfo Info => new TrainerInfo(normalization: true, caching: false, supportValid: true, supportIncrementalTrain: true);

        /// <summary>Always <see cref="PredictionKind.BinaryClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

        /// <summary>Trains on <paramref name="input"/> and returns ML.NET's binary prediction transformer.</summary>
        /// <param name="input">Training data with a Boolean label and a known-size Single vector of features.</param>
        /// <exception cref="InvalidOperationException">A column has the wrong type (e.g. a label that is not Boolean), or no row is usable.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A column named in the options does not exist.</exception>
        public new BinaryPredictionTransformer<CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>> Fit(IDataView input)
        {
            CheckTrainingSchema(input);
            return base.Fit(input);
        }

        /// <summary>Trains on <paramref name="trainData"/>, reporting log-loss and accuracy on all of <paramref name="validationData"/>
        /// after every epoch (and watching it for early stopping / ReduceOnPlateau).</summary>
        /// <param name="trainData">Training data.</param>
        /// <param name="validationData">Validation data with the same columns as <paramref name="trainData"/>.</param>
        public BinaryPredictionTransformer<CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>> Fit(IDataView trainData, IDataView validationData)
        {
            CheckTrainingSchema(trainData);
            if (validationData == null)
                throw new ArgumentNullException(nameof(validationData));
            CheckTrainingSchema(validationData);
            return TrainTransformer(trainData, validationData);
        }

        /// <summary>
        /// Continues training <paramref name="initialModel"/> (same features, hidden layers, activation and batch norm) for
        /// <see cref="MlpOptionsBase.NumberOfEpochs"/> more epochs; the history continues. As for multiclass, the optimizer's moments
        /// and the shuffling/dropout generators start afresh. Pass <c>transformer.Model.SubModel</c> of an earlier fit.
        /// </summary>
        /// <param name="trainData">Training data with the same columns as the initial model's.</param>
        /// <param name="initialModel">The model to continue from; it is not modified.</param>
        public BinaryPredictionTransformer<CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>> Fit(IDataView trainData, MlpBinaryModelParameters initialModel)
        {
            if (initialModel == null)
                throw new ArgumentNullException(nameof(initialModel));
            if (initialModel.IsDisposed)
                throw new ObjectDisposedException(nameof(initialModel), "The initial model was disposed; warm start from a live model.");
            CheckTrainingSchema(trainData);
            return TrainTransformer(trainData, initPredictor: initialModel);
        }

        private void CheckTrainingSchema(IDataView data)
        {
            if (data == null)
                throw new ArgumentNullException(nameof(data));
            SchemaChecks.CheckTrainingSchema(data.Schema, TrainerName, LabelColumn.Name, FeatureColumn.Name,
                WeightColumn.IsValid ? WeightColumn.Name : null, booleanLabel: true);
        }

        /// <summary>Reads the data once, trains the two-output network, and returns it with its exact sigmoid calibrator.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator> TrainModelCore(TrainContext context)
        {
            MlpBinaryModelParameters initial = null;
            if (context.InitialPredictor != null)
                initial = context.InitialPredictor as MlpBinaryModelParameters
                    ?? (context.InitialPredictor as CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>)?.SubModel
                    ?? throw new ArgumentException($"{TrainerName}: warm start needs an MlpBinaryModelParameters, not {context.InitialPredictor.GetType().Name}.", "initialModel");
            var result = MlpTraining.Run(Host, _options, context.TrainingSet, seeds: new[] { _options.Seed ?? Host.Rand.Next() },
                context.ValidationSet, initial == null ? null : new[] { initial.AsTwoClassModel() }, booleanLabel: true);
            var history = initial == null ? result.Histories[0] : initial.TrainingHistory.Concat(result.Histories[0]);
            return MlNetBridge.WithSigmoid(Host, new MlpBinaryModelParameters(Host, result.Members[0], history));
        }

        /// <summary>Score, Probability and PredictedLabel, exactly as ML.NET's calibrated binary trainers declare them.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => MlNetBridge.BinaryOutputColumns();

        /// <summary>Rejects a label that is not Boolean with the conversion that makes one.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void CheckLabelCompatible(SchemaShape.Column labelCol) => SchemaChecks.CheckBooleanLabel(TrainerName, labelCol);

        /// <summary>Wraps the model in ML.NET's binary prediction transformer (Score, Probability, PredictedLabel at threshold 0.5).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override BinaryPredictionTransformer<CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>> MakeTransformer(
            CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator> model, DataViewSchema trainSchema) =>
            new BinaryPredictionTransformer<CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>>(Host, model, trainSchema, FeatureColumn.Name);
    }
}
