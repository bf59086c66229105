using System;
using System.ComponentModel;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// What <see cref="MlpBinaryTrainer"/> and <see cref="BinarySoftVotingEnsembleTrainer"/> share: ML.NET's calibrated binary
    /// column contract (Boolean label in; Score, Probability and PredictedLabel out, as <c>LbfgsLogisticRegression</c>) and
    /// schema errors that name the column, the type found and the fix, raised before any training starts.
    /// </summary>
    /// <typeparam name="TModel">The score model, wrapped in ML.NET's calibrated model with a fixed sigmoid.</typeparam>
    public abstract class BinaryTrainerBase<TModel> :
        TaskTrainerBase<BinaryPredictionTransformer<CalibratedModelParametersBase<TModel, PlattCalibrator>>, CalibratedModelParametersBase<TModel, PlattCalibrator>>
        where TModel : class
    {
        private protected BinaryTrainerBase(IHostEnvironment env, string name, string featureColumn, string labelColumn, string weightColumn)
            : base(env, name, TrainerUtils.MakeR4VecFeature(featureColumn), TrainerUtils.MakeBoolScalarLabel(labelColumn),
                TrainerUtils.MakeR4ScalarWeightColumn(weightColumn))
        {
        }

        /// <summary>Always <see cref="PredictionKind.BinaryClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

        /// <summary>The task's label, features and weight checks.</summary>
        private protected override void CheckTaskSchema(DataViewSchema schema, string weightColumn) =>
            SchemaChecks.CheckTrainingSchema(schema, DisplayName, LabelColumn.Name, FeatureColumn.Name, weightColumn, booleanLabel: true);

        /// <summary>Score, Probability and PredictedLabel, exactly as ML.NET's calibrated binary trainers declare them.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => MlNetBridge.BinaryOutputColumns();

        /// <summary>Rejects a label that is not Boolean with the conversion that makes one.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void CheckLabelCompatible(SchemaShape.Column labelCol) => SchemaChecks.CheckBooleanLabel(DisplayName, labelCol);

        /// <summary>Wraps the model in ML.NET's binary prediction transformer (Score, Probability, PredictedLabel at probability 0.5).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override BinaryPredictionTransformer<CalibratedModelParametersBase<TModel, PlattCalibrator>> MakeTransformer(
            CalibratedModelParametersBase<TModel, PlattCalibrator> model, DataViewSchema trainSchema) =>
            new BinaryPredictionTransformer<CalibratedModelParametersBase<TModel, PlattCalibrator>>(Host, model, trainSchema, FeatureColumn.Name);
    }
}
