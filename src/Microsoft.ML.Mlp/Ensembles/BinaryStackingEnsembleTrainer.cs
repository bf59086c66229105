using System.Collections.Generic;
using System.ComponentModel;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Stacks any calibrated ML.NET binary trainers (scikit-learn's <c>StackingClassifier</c>): a calibrated binary meta-model
    /// learns from the members' out-of-fold probabilities of true (k-fold, stratified, seeded) how to combine them; the members
    /// are then refitted on all rows. Outputs Score (the logit of the meta-model's probability), Probability and PredictedLabel,
    /// the columns of <c>LbfgsLogisticRegression</c>, so <c>BinaryClassification.Evaluate</c> gives calibrated metrics.
    /// Create it with <see cref="MlpCatalog.StackingEnsemble(BinaryClassificationCatalog.BinaryClassificationTrainers, IEnumerable{IEstimator{ITransformer}}, IEstimator{ITransformer}, int, string, string, int?)"/>.
    /// </summary>
    public sealed class BinaryStackingEnsembleTrainer :
        TrainerEstimatorBase<BinaryPredictionTransformer<CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator>>,
            CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator>>,
        IEstimator<BinaryPredictionTransformer<CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator>>> // re-implemented so pipelines reach our Fit and its checks
    {
        internal const string LoadName = "BinaryStackingEnsemble";

        private readonly StackingCore _core;

        internal BinaryStackingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, IEstimator<ITransformer> metaTrainer,
            int numberOfFolds, string labelColumnName, string featureColumnName, int? seed)
            : base(MlNetBridge.RegisterTrainer(env, LoadName), TrainerUtils.MakeR4VecFeature(featureColumnName),
                TrainerUtils.MakeBoolScalarLabel(labelColumnName), default)
        {
            _core = new StackingCore(Host, EnsembleTask.Binary, members, metaTrainer, numberOfFolds, seed);
        }

        /// <summary>Trainer capabilities: members and meta-model normalise or cache as they need; no validation data, no warm start.</summary>
        public override TrainerInfo Info => new TrainerInfo(normalization: false, caching: false, supportValid: false, supportIncrementalTrain: false);

        /// <summary>Always <see cref="PredictionKind.BinaryClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

        /// <summary>Trains on <paramref name="input"/> and returns ML.NET's binary prediction transformer.</summary>
        /// <param name="input">Training data with a Boolean label and a known-size Single vector of features.</param>
        /// <exception cref="System.InvalidOperationException">A column has the wrong type (e.g. a label that is not Boolean), or a member or the meta-model cannot serve.</exception>
        /// <exception cref="System.ArgumentOutOfRangeException">A column does not exist.</exception>
        public new BinaryPredictionTransformer<CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator>> Fit(IDataView input)
        {
            SchemaChecks.CheckTrainingSchema(input?.Schema ?? throw new System.ArgumentNullException(nameof(input)), StackingCore.Name,
                LabelColumn.Name, FeatureColumn.Name, null, booleanLabel: true);
            return base.Fit(input);
        }

        /// <summary>Trains the members fold by fold, the meta-model, then the members on all rows; wraps the logit with its exact sigmoid.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator> TrainModelCore(TrainContext context) =>
            MlNetBridge.WithSigmoid(Host, new BinaryStackingModelParameters(Host, _core.Train(context)));

        /// <summary>Score, Probability and PredictedLabel, exactly as ML.NET's calibrated binary trainers declare them.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => MlNetBridge.BinaryOutputColumns();

        /// <summary>Rejects a label that is not Boolean with the conversion that makes one.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void CheckLabelCompatible(SchemaShape.Column labelCol) => SchemaChecks.CheckBooleanLabel(StackingCore.Name, labelCol);

        /// <summary>Wraps the model in ML.NET's binary prediction transformer (Score, Probability, PredictedLabel at probability 0.5).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override BinaryPredictionTransformer<CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator>> MakeTransformer(
            CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator> model, DataViewSchema trainSchema) =>
            new BinaryPredictionTransformer<CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator>>(Host, model, trainSchema, FeatureColumn.Name);
    }
}
