using System.Collections.Generic;
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
    public sealed class BinaryStackingEnsembleTrainer : StackingTrainerBase<BinaryPredictionTransformer<CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator>>,
        CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator>>
    {
        internal const string LoadName = "BinaryStackingEnsemble";

        internal BinaryStackingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, IEstimator<ITransformer> metaTrainer,
            int numberOfFolds, string labelColumnName, string featureColumnName, int? seed)
            : base(env, LoadName, BinaryTask.Instance, members, metaTrainer, numberOfFolds, labelColumnName, featureColumnName, seed)
        {
        }

        private protected override CalibratedModelParametersBase<BinaryStackingModelParameters, PlattCalibrator> CreateModel(StackingModel model) =>
            MlNetBridge.WithSigmoid(Host, new BinaryStackingModelParameters(Host, model));
    }
}
