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
    public abstract class MulticlassTrainerBase<TModel> : TrainerEstimatorBase<MulticlassPredictionTransformer<TModel>, TModel>,
        IEstimator<MulticlassPredictionTransformer<TModel>> // re-implemented so pipelines reach our Fit and its checks
        where TModel : class
    {

        private protected MulticlassTrainerBase(IHostEnvironment env, string name, string featureColumn, string labelColumn, string weightColumn)
            : base(MlNetBridge.RegisterTrainer(env, name),
                TrainerUtils.MakeR4VecFeature(featureColumn), TrainerUtils.MakeU4ScalarColumn(labelColumn), TrainerUtils.MakeR4ScalarWeightColumn(weightColumn))
        {
        }

        /// <summary>Name used in messages and logs.</summary>
        private protected abstract string DisplayName { get; }

        /// <summary>Trainer capabilities. Neural networks train best on normalised features (AutoML adds a normalizer);
        /// no caching is needed since the data is read once; validation data is supported.</summary>
        public override TrainerInfo Info => new TrainerInfo(normalization: true, caching: false, supportValid: true, supportIncrementalTrain: SupportsWarmStart);

        /// <summary>Whether <c>Fit(data, initialModel)</c> continues training.</summary>
        private protected abstract bool SupportsWarmStart { get; }

        /// <summary>Always <see cref="PredictionKind.MulticlassClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

        /// <summary>Trains on <paramref name="input"/> and returns ML.NET's multiclass prediction transformer.</summary>
        /// <param name="input">Training data with a key-typed label and a known-size Single vector of features.</param>
        /// <exception cref="InvalidOperationException">A column has the wrong type, or no row is usable.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A column named in the options does not exist.</exception>
        public new MulticlassPredictionTransformer<TModel> Fit(IDataView input)
        {
            CheckTrainingSchema(input);
            return base.Fit(input);
        }

        /// <summary>Trains on <paramref name="trainData"/>, reporting loss and accuracy on all of <paramref name="validationData"/>
        /// after every epoch (and watching it for early stopping / ReduceOnPlateau).</summary>
        /// <param name="trainData">Training data.</param>
        /// <param name="validationData">Validation data with the same columns (same label keys) as <paramref name="trainData"/>.</param>
        public MulticlassPredictionTransformer<TModel> Fit(IDataView trainData, IDataView validationData)
        {
            CheckTrainingSchema(trainData);
            if (validationData == null)
                throw new ArgumentNullException(nameof(validationData));
            CheckTrainingSchema(validationData);
            return TrainTransformer(trainData, validationData);
        }

        /// <summary>Clear messages before ML.NET's generic "column is not compatible" checks run.</summary>
        private protected void CheckTrainingSchema(IDataView data)
        {
            if (data == null)
                throw new ArgumentNullException(nameof(data));
            SchemaChecks.CheckTrainingSchema(data.Schema, DisplayName, LabelColumn.Name, FeatureColumn.Name, WeightColumn.IsValid ? WeightColumn.Name : null);
        }

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
