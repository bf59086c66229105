using System.Collections.Generic;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Stacks any ML.NET multiclass trainers (scikit-learn's <c>StackingClassifier</c>): a multiclass meta-model learns from the
    /// members' out-of-fold class probabilities (k-fold, stratified, seeded) how to combine them; the members are then refitted
    /// on all rows. Outputs Score (class probabilities) and PredictedLabel as every ML.NET multiclass trainer.
    /// Create it with <see cref="MlpCatalog.StackingEnsemble(MulticlassClassificationCatalog.MulticlassClassificationTrainers, IEnumerable{IEstimator{ITransformer}}, IEstimator{ITransformer}, int, string, string, int?)"/>.
    /// </summary>
    public sealed class MulticlassStackingEnsembleTrainer : StackingTrainerBase<MulticlassPredictionTransformer<MulticlassStackingModelParameters>, MulticlassStackingModelParameters>
    {
        internal const string LoadName = "MulticlassStackingEnsemble";

        internal MulticlassStackingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, IEstimator<ITransformer> metaTrainer,
            int numberOfFolds, string labelColumnName, string featureColumnName, int? seed)
            : base(env, LoadName, MulticlassTask.Instance, members, metaTrainer, numberOfFolds, labelColumnName, featureColumnName, seed)
        {
        }

        private protected override MulticlassStackingModelParameters CreateModel(StackingModel model) =>
            new MulticlassStackingModelParameters(Host, model);
    }
}
