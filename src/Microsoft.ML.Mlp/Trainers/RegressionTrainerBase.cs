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
        TrainerEstimatorBase<RegressionPredictionTransformer<TModel>, TModel>,
        IEstimator<RegressionPredictionTransformer<TModel>> // re-implemented so pipelines reach our Fit and its checks
        where TModel : class
    {
        private protected RegressionTrainerBase(IHostEnvironment env, string name, string featureColumn, string labelColumn, string weightColumn)
            : base(MlNetBridge.RegisterTrainer(env, name), TrainerUtils.MakeR4VecFeature(featureColumn), TrainerUtils.MakeR4ScalarColumn(labelColumn),
                TrainerUtils.MakeR4ScalarWeightColumn(weightColumn))
        {
        }

        /// <summary>Name used in messages and logs.</summary>
        private protected abstract string DisplayName { get; }

        /// <summary>Whether <c>Fit(data, initialModel)</c> continues training.</summary>
        private protected abstract bool SupportsWarmStart { get; }

        /// <summary>Trainer capabilities: normalised features help (AutoML adds a normalizer), no caching needed (the data is read
        /// once), validation data supported.</summary>
        public override TrainerInfo Info => new TrainerInfo(normalization: true, caching: false, supportValid: true, supportIncrementalTrain: SupportsWarmStart);

        /// <summary>Always <see cref="PredictionKind.Regression"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.Regression;

        /// <summary>Trains on <paramref name="input"/> and returns ML.NET's regression prediction transformer.</summary>
        /// <param name="input">Training data with a Single label and a known-size Single vector of features.</param>
        /// <exception cref="InvalidOperationException">A column has the wrong type (e.g. a label that is not Single), or no row is usable.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A named column does not exist.</exception>
        public new RegressionPredictionTransformer<TModel> Fit(IDataView input)
        {
            CheckTrainingSchema(input);
            return base.Fit(input);
        }

        /// <summary>Trains on <paramref name="trainData"/>, reporting the loss on all of <paramref name="validationData"/>
        /// after every epoch (and watching it for early stopping / ReduceOnPlateau; an ensemble's MLP members each by itself).</summary>
        /// <param name="trainData">Training data.</param>
        /// <param name="validationData">Validation data with the same columns as <paramref name="trainData"/>.</param>
        public RegressionPredictionTransformer<TModel> Fit(IDataView trainData, IDataView validationData)
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
            SchemaChecks.CheckRegressionSchema(data.Schema, DisplayName, LabelColumn.Name, FeatureColumn.Name, WeightColumn.IsValid ? WeightColumn.Name : null);
        }

        /// <summary>The Score column, as ML.NET's regression trainers declare it.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => MlNetBridge.RegressionOutputColumns();

        /// <summary>Rejects a label that is not Single with the conversion that makes one.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void CheckLabelCompatible(SchemaShape.Column labelCol)
        {
            if (labelCol.Kind != SchemaShape.Column.VectorKind.Scalar || labelCol.ItemType != NumberDataViewType.Single || labelCol.IsKey)
                SchemaChecks.CheckSingleLabel(DisplayName, labelCol.Name,
                    labelCol.Kind == SchemaShape.Column.VectorKind.Scalar ? labelCol.ItemType : new VectorDataViewType((PrimitiveDataViewType)labelCol.ItemType), labelCol.IsKey);
        }

        /// <summary>Wraps the model in ML.NET's regression prediction transformer (Score).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override RegressionPredictionTransformer<TModel> MakeTransformer(
            TModel model, DataViewSchema trainSchema) =>
            new RegressionPredictionTransformer<TModel>(Host, model, trainSchema, FeatureColumn.Name);
    }
}
