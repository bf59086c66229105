using System;
using System.Collections.Generic;
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
    /// Fits several calibrated binary models and averages their probabilities of true (soft voting, scikit-learn's
    /// <c>VotingClassifier(voting='soft')</c>). The members are N copies of one <see cref="MlpBinaryTrainer"/> recipe trained as one
    /// fused network, or any calibrated ML.NET binary trainers side by side. <c>Fit</c> returns ML.NET's
    /// <see cref="BinaryPredictionTransformer{TModel}"/> with the columns of <c>LbfgsLogisticRegression</c>: Score (the logit of the
    /// average), Probability (the average) and PredictedLabel (average &gt; 0.5), so <c>BinaryClassification.Evaluate</c> gives
    /// calibrated metrics. Create it with
    /// <see cref="MlpCatalog.SoftVotingEnsemble(BinaryClassificationCatalog.BinaryClassificationTrainers, MlpBinaryTrainer.Options, int, float[])"/>.
    /// </summary>
    public sealed class BinarySoftVotingEnsembleTrainer :
        TrainerEstimatorBase<BinaryPredictionTransformer<CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator>>,
            CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator>>,
        IEstimator<BinaryPredictionTransformer<CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator>>> // re-implemented so pipelines reach our Fit and its checks
    {
        internal const string LoadName = "BinarySoftVotingEnsemble";
        internal const string TrainerName = "SoftVotingEnsemble (binary)";

        private readonly MemberSource _source;
        private readonly float[] _weights;

        /// <summary>N copies of one binary MLP recipe.</summary>
        internal BinarySoftVotingEnsembleTrainer(IHostEnvironment env, MlpBinaryTrainer.Options memberOptions, int numberOfModels, float[] weights)
            : base(MlNetBridge.RegisterTrainer(env, LoadName), TrainerUtils.MakeR4VecFeature(MlpTrainer.CheckOptions(memberOptions).FeatureColumnName),
                TrainerUtils.MakeBoolScalarLabel(memberOptions.LabelColumnName), TrainerUtils.MakeR4ScalarWeightColumn(memberOptions.ExampleWeightColumnName))
        {
            var options = memberOptions.Clone();
            _source = new FusedMlpCopies(numberOfModels, options.Seed, (host, data, seeds, validation) =>
            {
                var result = MlpTraining.Run(host, options, data, seeds, validation, booleanLabel: true);
                return result.Members.Select((network, i) => ((object)MlNetBridge.WithSigmoid(host, new MlpBinaryModelParameters(host, network, result.Histories[i])),
                    (IReadOnlyList<MlpEpochMetrics>)result.Histories[i])).ToArray();
            });
            _weights = VotingCore.NormalizeWeights(weights, numberOfModels);
        }

        /// <summary>Any calibrated ML.NET binary trainers side by side.</summary>
        internal BinarySoftVotingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, float[] weights,
            string labelColumnName, string featureColumnName)
            : base(MlNetBridge.RegisterTrainer(env, LoadName),
                TrainerUtils.MakeR4VecFeature(MemberSource.CheckColumn(featureColumnName, nameof(featureColumnName), "feature vector", "Features")),
                TrainerUtils.MakeBoolScalarLabel(MemberSource.CheckColumn(labelColumnName, nameof(labelColumnName), "Boolean label", "Label")), default)
        {
            _source = new TrainerMembers(members, "mlContext.BinaryClassification.Trainers.LbfgsLogisticRegression()");
            _weights = VotingCore.NormalizeWeights(weights, _source.Count);
        }

        /// <summary>Trainer capabilities: normalised features help the MLP members, no caching needed, validation data used by MLP copies.</summary>
        public override TrainerInfo Info => new TrainerInfo(normalization: true, caching: false, supportValid: true, supportIncrementalTrain: false);

        /// <summary>Always <see cref="PredictionKind.BinaryClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

        /// <summary>Trains every member on <paramref name="input"/> and returns ML.NET's binary prediction transformer.</summary>
        /// <param name="input">Training data with a Boolean label and a known-size Single vector of features.</param>
        /// <exception cref="InvalidOperationException">A column has the wrong type (e.g. a label that is not Boolean), or a member does not serve binary classification.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A named column does not exist.</exception>
        public new BinaryPredictionTransformer<CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator>> Fit(IDataView input)
        {
            CheckTrainingSchema(input);
            return base.Fit(input);
        }

        /// <summary>Trains on <paramref name="trainData"/>; MLP copies report on <paramref name="validationData"/> after every epoch and
        /// early-stop on it (each member by itself) when <see cref="MlpOptionsBase.EarlyStoppingPatience"/> is set.</summary>
        /// <param name="trainData">Training data.</param>
        /// <param name="validationData">Validation data with the same columns as <paramref name="trainData"/>.</param>
        public BinaryPredictionTransformer<CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator>> Fit(IDataView trainData, IDataView validationData)
        {
            CheckTrainingSchema(trainData);
            if (validationData == null)
                throw new ArgumentNullException(nameof(validationData));
            CheckTrainingSchema(validationData);
            return TrainTransformer(trainData, validationData);
        }

        private void CheckTrainingSchema(IDataView data)
        {
            if (data == null)
                throw new ArgumentNullException(nameof(data));
            SchemaChecks.CheckTrainingSchema(data.Schema, TrainerName, LabelColumn.Name, FeatureColumn.Name,
                WeightColumn.IsValid ? WeightColumn.Name : null, booleanLabel: true);
        }

        /// <summary>Trains every member and combines them, with the exact sigmoid as calibrator (Probability = the average).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator> TrainModelCore(TrainContext context)
        {
            var members = _source.Train(Host, EnsembleTask.Binary, TrainerName, context.TrainingSet, context.ValidationSet);
            return MlNetBridge.WithSigmoid(Host, new BinarySoftVotingModelParameters(Host, new VotingCore(EnsembleTask.Binary, members, _weights, TrainerName)));
        }

        /// <summary>Score, Probability and PredictedLabel, exactly as ML.NET's calibrated binary trainers declare them.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => MlNetBridge.BinaryOutputColumns();

        /// <summary>Rejects a label that is not Boolean with the conversion that makes one.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void CheckLabelCompatible(SchemaShape.Column labelCol)
        {
            if (labelCol.Kind != SchemaShape.Column.VectorKind.Scalar || labelCol.ItemType != BooleanDataViewType.Instance || labelCol.IsKey)
                SchemaChecks.CheckBooleanLabel(TrainerName, labelCol.Name,
                    labelCol.Kind == SchemaShape.Column.VectorKind.Scalar ? labelCol.ItemType : new VectorDataViewType((PrimitiveDataViewType)labelCol.ItemType), labelCol.IsKey);
        }

        /// <summary>Wraps the model in ML.NET's binary prediction transformer (Score, Probability, PredictedLabel at probability 0.5).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override BinaryPredictionTransformer<CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator>> MakeTransformer(
            CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator> model, DataViewSchema trainSchema) =>
            new BinaryPredictionTransformer<CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator>>(Host, model, trainSchema, FeatureColumn.Name);
    }
}
