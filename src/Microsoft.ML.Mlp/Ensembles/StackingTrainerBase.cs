using System.Collections.Generic;
using System.ComponentModel;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// The one stacking trainer, whatever the task: <see cref="StackingFit"/> trains the members fold by fold, the meta-model on
    /// their out-of-fold outputs, then the members on all rows. Each task's stacking trainer adds only how the trained
    /// <see cref="StackingModel"/> becomes its model.
    /// </summary>
    /// <typeparam name="TTransformer">ML.NET's prediction transformer of the task.</typeparam>
    /// <typeparam name="TModel">The ensemble's model.</typeparam>
    public abstract class StackingTrainerBase<TTransformer, TModel> : TaskTrainerBase<TTransformer, TModel>
        where TTransformer : class, ISingleFeaturePredictionTransformer<TModel>
        where TModel : class
    {
        private readonly StackingFit _fit;

        private protected StackingTrainerBase(IHostEnvironment env, string name, MlpTask task, IEnumerable<IEstimator<ITransformer>> members,
            IEstimator<ITransformer> metaTrainer, int numberOfFolds, string labelColumnName, string featureColumnName, int? seed)
            : base(env, name, task, StackingFit.Name, featureColumnName, labelColumnName, null)
        {
            _fit = new StackingFit(Host, Task, members, metaTrainer, numberOfFolds, seed);
        }

        private protected override bool SupportsWarmStart => false;

        private protected override bool UsesValidationData => false;

        /// <summary>Trains the members fold by fold, the meta-model, then the members on all rows.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override TModel TrainModelCore(TrainContext context) => CreateModel(_fit.Train(context));

        /// <summary>The task's model over the trained ensemble.</summary>
        private protected abstract TModel CreateModel(StackingModel model);
    }
}
