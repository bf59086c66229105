using System.Collections.Generic;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Stacks any ML.NET regression trainers (scikit-learn's <c>StackingRegressor</c>): a regression meta-model learns from the
    /// members' out-of-fold scores (k-fold, shuffled, seeded) how to combine them; the members are then refitted on all rows.
    /// Outputs a Score column, so <c>Regression.Evaluate</c> works.
    /// Create it with <see cref="MlpCatalog.StackingEnsemble(RegressionCatalog.RegressionTrainers, IEnumerable{IEstimator{ITransformer}}, IEstimator{ITransformer}, int, string, string, int?)"/>.
    /// </summary>
    public sealed class RegressionStackingEnsembleTrainer : StackingTrainerBase<RegressionPredictionTransformer<RegressionStackingModelParameters>, RegressionStackingModelParameters>
    {
        internal const string LoadName = "RegressionStackingEnsemble";

        internal RegressionStackingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, IEstimator<ITransformer> metaTrainer,
            int numberOfFolds, string labelColumnName, string featureColumnName, int? seed)
            : base(env, LoadName, RegressionTask.Default, members, metaTrainer, numberOfFolds, labelColumnName, featureColumnName, seed)
        {
        }

        private protected override RegressionStackingModelParameters CreateModel(StackingModel model) =>
            new RegressionStackingModelParameters(Host, model);
    }
}
