using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Fits several regression models and averages their scores with normalised weights (scikit-learn's <c>VotingRegressor</c>).
    /// The members are N copies of one <see cref="MlpRegressionTrainer"/> recipe trained as one fused network (one label scale,
    /// from the training rows), or any ML.NET regression trainers side by side. <c>Fit</c> returns ML.NET's
    /// <see cref="RegressionPredictionTransformer{TModel}"/> with a Score column in the label's units, so <c>Regression.Evaluate</c>
    /// works. Create it with
    /// <see cref="MlpCatalog.VotingEnsemble(RegressionCatalog.RegressionTrainers, MlpRegressionTrainer.Options, int, float[])"/>.
    /// </summary>
    public sealed class RegressionVotingEnsembleTrainer :
        TrainerEstimatorBase<RegressionPredictionTransformer<RegressionVotingModelParameters>, RegressionVotingModelParameters>,
        IEstimator<RegressionPredictionTransformer<RegressionVotingModelParameters>> // re-implemented so pipelines reach our Fit and its checks
    {
        internal const string LoadName = "RegressionVotingEnsemble";
        internal const string TrainerName = "VotingEnsemble (regression)";

        private readonly MemberSource _source;
        private readonly float[] _weights;

        /// <summary>N copies of one regression MLP recipe.</summary>
        internal RegressionVotingEnsembleTrainer(IHostEnvironment env, MlpRegressionTrainer.Options memberOptions, int numberOfModels, float[] weights)
            : base(MlNetBridge.RegisterTrainer(env, LoadName), TrainerUtils.MakeR4VecFeature(MlpRegressionTrainer.CheckOptions(memberOptions).FeatureColumnName),
                TrainerUtils.MakeR4ScalarColumn(memberOptions.LabelColumnName), TrainerUtils.MakeR4ScalarWeightColumn(memberOptions.ExampleWeightColumnName))
        {
            var options = memberOptions.Clone();
            _source = new FusedMlpCopies(numberOfModels, options.Seed, (host, data, seeds, validation) =>
            {
                var (result, mean, std) = MlpRegressionTraining.Run(host, options, data, seeds, validation, initial: null);
                return result.Members.Select((network, i) => ((object)new MlpRegressionModelParameters(host, network, result.Histories[i], mean, std),
                    (IReadOnlyList<MlpEpochMetrics>)result.Histories[i])).ToArray();
            });
            _weights = VotingCore.NormalizeWeights(weights, numberOfModels);
        }

        /// <summary>Any ML.NET regression trainers side by side.</summary>
        internal RegressionVotingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, float[] weights,
            string labelColumnName, string featureColumnName)
            : base(MlNetBridge.RegisterTrainer(env, LoadName),
                TrainerUtils.MakeR4VecFeature(MemberSource.CheckColumn(featureColumnName, nameof(featureColumnName), "feature vector", "Features")),
                TrainerUtils.MakeR4ScalarColumn(MemberSource.CheckColumn(labelColumnName, nameof(labelColumnName), "Single label", "Label")), default)
        {
            _source = new TrainerMembers(members, "mlContext.Regression.Trainers.Sdca()");
            _weights = VotingCore.NormalizeWeights(weights, _source.Count);
        }

        /// <summary>Trainer capabilities: normalised features help the MLP members, no caching needed, validation data used by MLP copies.</summary>
        public override TrainerInfo Info => new TrainerInfo(normalization: true, caching: false, supportValid: true, supportIncrementalTrain: false);

        /// <summary>Always <see cref="PredictionKind.Regression"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.Regression;

        /// <summary>Trains every member on <paramref name="input"/> and returns ML.NET's regression prediction transformer.</summary>
        /// <param name="input">Training data with a Single label and a known-size Single vector of features.</param>
        /// <exception cref="InvalidOperationException">A column has the wrong type (e.g. a label that is not Single), or a member is not a regression trainer.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A named column does not exist.</exception>
        public new RegressionPredictionTransformer<RegressionVotingModelParameters> Fit(IDataView input)
        {
            CheckTrainingSchema(input);
            return base.Fit(input);
        }

        /// <summary>Trains on <paramref name="trainData"/>; MLP copies report on <paramref name="validationData"/> after every epoch and
        /// early-stop on it (each member by itself) when <see cref="MlpOptionsBase.EarlyStoppingPatience"/> is set.</summary>
        /// <param name="trainData">Training data.</param>
        /// <param name="validationData">Validation data with the same columns as <paramref name="trainData"/>.</param>
        public RegressionPredictionTransformer<RegressionVotingModelParameters> Fit(IDataView trainData, IDataView validationData)
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
            SchemaChecks.CheckRegressionSchema(data.Schema, TrainerName, LabelColumn.Name, FeatureColumn.Name, WeightColumn.IsValid ? WeightColumn.Name : null);
        }

        /// <summary>Trains every member and averages their scores.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override RegressionVotingModelParameters TrainModelCore(TrainContext context)
        {
            var members = _source.Train(Host, EnsembleTask.Regression, TrainerName, context.TrainingSet, context.ValidationSet);
            return new RegressionVotingModelParameters(Host, new VotingCore(EnsembleTask.Regression, members, _weights, TrainerName));
        }

        /// <summary>The Score column, as ML.NET's regression trainers declare it.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => MlNetBridge.RegressionOutputColumns();

        /// <summary>Rejects a label that is not Single with the conversion that makes one.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void CheckLabelCompatible(SchemaShape.Column labelCol)
        {
            if (labelCol.Kind != SchemaShape.Column.VectorKind.Scalar || labelCol.ItemType != NumberDataViewType.Single || labelCol.IsKey)
                SchemaChecks.CheckSingleLabel(TrainerName, labelCol.Name,
                    labelCol.Kind == SchemaShape.Column.VectorKind.Scalar ? labelCol.ItemType : new VectorDataViewType((PrimitiveDataViewType)labelCol.ItemType), labelCol.IsKey);
        }

        /// <summary>Wraps the model in ML.NET's regression prediction transformer (Score).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override RegressionPredictionTransformer<RegressionVotingModelParameters> MakeTransformer(RegressionVotingModelParameters model, DataViewSchema trainSchema) =>
            new RegressionPredictionTransformer<RegressionVotingModelParameters>(Host, model, trainSchema, FeatureColumn.Name);
    }
}
