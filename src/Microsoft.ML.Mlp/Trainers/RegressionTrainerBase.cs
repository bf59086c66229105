using System;
using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// What <see cref="MlpRegressionTrainer"/> and <see cref="RegressionVotingEnsembleTrainer"/> share: ML.NET's regression column
    /// contract (Single label in; a Score in the label's units out) and
    /// schema errors that name the column, the type found and the fix, raised before any training starts.
    /// </summary>
    /// <typeparam name="TModel">The trained model type.</typeparam>
    public abstract class RegressionTrainerBase<TModel> :
        TaskTrainerBase<RegressionPredictionTransformer<TModel>, TModel>
        where TModel : class
    {
        private protected RegressionTrainerBase(IHostEnvironment env, string name, string featureColumn, string labelColumn, string weightColumn)
            : base(env, name, TrainerUtils.MakeR4VecFeature(featureColumn), TrainerUtils.MakeR4ScalarColumn(labelColumn),
                TrainerUtils.MakeR4ScalarWeightColumn(weightColumn))
        {
        }

        /// <summary>Always <see cref="PredictionKind.Regression"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.Regression;

        /// <summary>The task's label, features and weight checks.</summary>
        private protected override void CheckTaskSchema(DataViewSchema schema, string weightColumn) =>
            SchemaChecks.CheckRegressionSchema(schema, DisplayName, LabelColumn.Name, FeatureColumn.Name, weightColumn);

        /// <summary>The Score column, as ML.NET's regression trainers declare it.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => MlNetBridge.RegressionOutputColumns();

        /// <summary>Rejects a label that is not Single with the conversion that makes one.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void CheckLabelCompatible(SchemaShape.Column labelCol) => SchemaChecks.CheckSingleLabel(DisplayName, labelCol);

        /// <summary>Wraps the model in ML.NET's regression prediction transformer (Score).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override RegressionPredictionTransformer<TModel> MakeTransformer(
            TModel model, DataViewSchema trainSchema) =>
            new RegressionPredictionTransformer<TModel>(Host, model, trainSchema, FeatureColumn.Name);
    }
}
