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
    public sealed class MlpBinaryTrainer : BinaryTrainerBase<MlpBinaryModelParameters>
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
            : base(env, LoadName, MlpTrainer.CheckOptions(options).FeatureColumnName, options.LabelColumnName, options.ExampleWeightColumnName)
        {
            _options = options.Clone();
        }

        private protected override string DisplayName => TrainerName;

        private protected override bool SupportsWarmStart => true;

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
    }
}
