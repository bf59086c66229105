using System;
using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// What <see cref="MlpTrainer"/> and <see cref="SoftVotingEnsembleTrainer"/> share: ML.NET's multiclass
    /// column contract (key label in; Score probabilities and PredictedLabel key out) and schema errors that name
    /// the column, the type found and the fix, raised before any training starts.
    /// </summary>
    /// <typeparam name="TModel">The trained model type.</typeparam>
    public abstract class MulticlassTrainerBase<TModel> : TaskTrainerBase<MulticlassPredictionTransformer<TModel>, TModel>
        where TModel : class
    {
        private protected MulticlassTrainerBase(IHostEnvironment env, string name, string featureColumn, string labelColumn, string weightColumn)
            : base(env, name,
                TrainerUtils.MakeR4VecFeature(featureColumn), TrainerUtils.MakeU4ScalarColumn(labelColumn), TrainerUtils.MakeR4ScalarWeightColumn(weightColumn))
        {
        }

        /// <summary>Always <see cref="PredictionKind.MulticlassClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

        /// <summary>The task's label, features and weight checks.</summary>
        private protected override void CheckTaskSchema(DataViewSchema schema, string weightColumn) =>
            SchemaChecks.CheckTrainingSchema(schema, DisplayName, LabelColumn.Name, FeatureColumn.Name, weightColumn);

        /// <summary>Score and PredictedLabel, exactly as ML.NET's multiclass trainers declare them.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) =>
            MlNetBridge.MulticlassOutputColumns(inputSchema, LabelColumn.Name);

        /// <summary>Rejects a non-key label with the fix (MapValueToKey).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void CheckLabelCompatible(SchemaShape.Column labelCol)
        {
            if (labelCol.Kind != SchemaShape.Column.VectorKind.Scalar || !labelCol.IsKey)
                throw new InvalidOperationException(
                    $"{DisplayName}: label column '{labelCol.Name}' has type {labelCol.ItemType}{(labelCol.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : " vector")}, "
                    + $"but a multiclass trainer needs a key-typed label. Add mlContext.Transforms.Conversion.MapValueToKey(\"{labelCol.Name}\") before the trainer.");
        }

        /// <summary>Wraps the model in ML.NET's multiclass prediction transformer.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override MulticlassPredictionTransformer<TModel> MakeTransformer(TModel model, DataViewSchema trainSchema) =>
            new MulticlassPredictionTransformer<TModel>(Host, model, trainSchema, FeatureColumn.Name, LabelColumn.Name,
                DefaultColumnNames.Score, DefaultColumnNames.PredictedLabel);
    }
}
