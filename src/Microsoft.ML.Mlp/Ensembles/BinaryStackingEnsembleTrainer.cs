using System.Collections.Generic;
using System.ComponentModel;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
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
    public sealed class BinaryStackingEnsembleTrainer : TaskTrainerBase<BinaryPredictionTransformer<CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator>>,
        CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator>>
    {
        internal const string LoadName = "BinaryStackingEnsemble";

        private readonly StackingFit _core;

        internal BinaryStackingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, IEstimator<ITransformer> metaTrainer,
            int numberOfFolds, string labelColumnName, string featureColumnName, int? seed)
            : base(env, LoadName, BinaryTask.Instance, StackingFit.Name, featureColumnName, labelColumnName, null)
        {
            _core = new StackingFit(Host, Task, members, metaTrainer, numberOfFolds, seed);
        }

        private protected override bool SupportsWarmStart => false;

        private protected override bool UsesValidationData => false;

        /// <summary>Trains the members fold by fold, the meta-model, then the members on all rows; wraps the logit with its exact sigmoid.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator> TrainModelCore(TrainContext context) =>
            MlNetBridge.WithSigmoid(Host, new BinaryStackingModelParameters(Host, _core.Train(context)));
    }
}
