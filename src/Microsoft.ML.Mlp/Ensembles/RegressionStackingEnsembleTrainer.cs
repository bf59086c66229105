using System.Collections.Generic;
using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Stacks any ML.NET regression trainers (scikit-learn's <c>StackingRegressor</c>): a regression meta-model learns from the
    /// members' out-of-fold scores (k-fold, shuffled, seeded) how to combine them; the members are then refitted on all rows.
    /// Outputs Score, so <c>Regression.Evaluate</c> works.
    /// Create it with <see cref="MlpCatalog.StackingEnsemble(RegressionCatalog.RegressionTrainers, IEnumerable{IEstimator{ITransformer}}, IEstimator{ITransformer}, int, string, string, int?)"/>.
    /// </summary>
    public sealed class RegressionStackingEnsembleTrainer :
        TrainerEstimatorBase<RegressionPredictionTransformer<RegressionStackingModelParameters>, RegressionStackingModelParameters>,
        IEstimator<RegressionPredictionTransformer<RegressionStackingModelParameters>> // re-implemented so pipelines reach our Fit and its checks
    {
        internal const string LoadName = "RegressionStackingEnsemble";

        private readonly StackingCore _core;

        internal RegressionStackingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, IEstimator<ITransformer> metaTrainer,
            int numberOfFolds, string labelColumnName, string featureColumnName, int? seed)
            : base(MlNetBridge.RegisterTrainer(env, LoadName), TrainerUtils.MakeR4VecFeature(featureColumnName),
                TrainerUtils.MakeR4ScalarColumn(labelColumnName), default)
        {
            _core = new StackingCore(Host, EnsembleTask.Regression, members, metaTrainer, numberOfFolds, seed);
        }

        /// <summary>Trainer capabilities: members and meta-model normalise or cache as they need; no validation data, no warm start.</summary>
        public override TrainerInfo Info => new TrainerInfo(normalization: false, caching: false, supportValid: false, supportIncrementalTrain: false);

        /// <summary>Always <see cref="PredictionKind.Regression"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.Regression;

        /// <summary>Trains on <paramref name="input"/> and returns ML.NET's regression prediction transformer.</summary>
        /// <param name="input">Training data with a Single label and a known-size Single vector of features.</param>
        /// <exception cref="System.InvalidOperationException">A column has the wrong type (e.g. a label that is not Single), or a member or the meta-model cannot serve.</exception>
        /// <exception cref="System.ArgumentOutOfRangeException">A column does not exist.</exception>
        public new RegressionPredictionTransformer<RegressionStackingModelParameters> Fit(IDataView input)
        {
            SchemaChecks.CheckRegressionSchema(input?.Schema ?? throw new System.ArgumentNullException(nameof(input)), StackingCore.Name,
                LabelColumn.Name, FeatureColumn.Name, null);
            return base.Fit(input);
        }

        /// <summary>Trains the members fold by fold, the meta-model, then the members on all rows.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override RegressionStackingModelParameters TrainModelCore(TrainContext context) =>
            new RegressionStackingModelParameters(Host, _core.Train(context));

        /// <summary>The Score column, as ML.NET's regression trainers declare it.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => MlNetBridge.RegressionOutputColumns();

        /// <summary>Rejects a label that is not Single with the conversion that makes one.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void CheckLabelCompatible(SchemaShape.Column labelCol) => SchemaChecks.CheckSingleLabel(StackingCore.Name, labelCol);

        /// <summary>Wraps the model in ML.NET's regression prediction transformer (Score).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override RegressionPredictionTransformer<RegressionStackingModelParameters> MakeTransformer(RegressionStackingModelParameters model, DataViewSchema trainSchema) =>
            new RegressionPredictionTransformer<RegressionStackingModelParameters>(Host, model, trainSchema, FeatureColumn.Name);
    }
}
