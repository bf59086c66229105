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
        TrainerEstimatorBase<BinaryPredictionTransformer<CalibratedModelParametersBase<TModel, PlattCalibrator>>, CalibratedModelParametersBase<TModel, PlattCalibrator>>,
        IEstimator<BinaryPredictionTransformer<CalibratedModelParametersBase<TModel, PlattCalibrator>>> // re-implemented so pipelines reach our Fit and its checks
        where TModel : class
    {
        private protected BinaryTrainerBase(IHostEnvironment env, string name, string featureColumn, string labelColumn, string weightColumn)
            : base(MlNetBridge.RegisterTrainer(env, name), TrainerUtils.MakeR4VecFeature(featureColumn), TrainerUtils.MakeBoolScalarLabel(labelColumn),
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

        /// <summary>Always <see cref="PredictionKind.BinaryClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

        /// <summary>Trains on <paramref name="input"/> and returns ML.NET's binary prediction transformer.</summary>
        /// <param name="input">Training data with a Boolean label and a known-size Single vector of features.</param>
        /// <exception cref="InvalidOperationException">A column has the wrong type (e.g. a label that is not Boolean), or no row is usable.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A named column does not exist.</exception>
        public new BinaryPredictionTransformer<CalibratedModelParametersBase<TModel, PlattCalibrator>> Fit(IDataView input)
        {
            CheckTrainingSchema(input);
            return base.Fit(input);
        }

        /// <summary>Trains on <paramref name="trainData"/>, reporting log-loss and accuracy on all of <paramref name="validationData"/>
        /// after every epoch (and watching it for early stopping / ReduceOnPlateau; an ensemble's MLP members each by itself).</summary>
        /// <param name="trainData">Training data.</param>
        /// <param name="validationData">Validation data with the same columns as <paramref name="trainData"/>.</param>
        public BinaryPredictionTransformer<CalibratedModelParametersBase<TModel, PlattCalibrator>> Fit(IDataView trainData, IDataView validationData)
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
            SchemaChecks.CheckTrainingSchema(data.Schema, DisplayName, LabelColumn.Name, FeatureColumn.Name,
                WeightColumn.IsValid ? WeightColumn.Name : null, booleanLabel: true);
        }

        /// <summary>Score, Probability and PredictedLabel, exactly as ML.NET's calibrated binary trainers declare them.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => MlNetBridge.BinaryOutputColumns();

        /// <summary>Rejects a label that is not Boolean with the conversion that makes one.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void CheckLabelCompatible(SchemaShape.Column labelCol)
        {
            if (labelCol.Kind != SchemaShape.Column.VectorKind.Scalar || labelCol.ItemType != BooleanDataViewType.Instance || labelCol.IsKey)
                SchemaChecks.CheckBooleanLabel(DisplayName, labelCol.Name,
                    labelCol.Kind == SchemaShape.Column.VectorKind.Scalar ? labelCol.ItemType : new VectorDataViewType((PrimitiveDataViewType)labelCol.ItemType), labelCol.IsKey);
        }

        /// <summary>Wraps the model in ML.NET's binary prediction transformer (Score, Probability, PredictedLabel at probability 0.5).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override BinaryPredictionTransformer<CalibratedModelParametersBase<TModel, PlattCalibrator>> MakeTransformer(
            CalibratedModelParametersBase<TModel, PlattCalibrator> model, DataViewSchema trainSchema) =>
            new BinaryPredictionTransformer<CalibratedModelParametersBase<TModel, PlattCalibrator>>(Host, model, trainSchema, FeatureColumn.Name);
    }
}
