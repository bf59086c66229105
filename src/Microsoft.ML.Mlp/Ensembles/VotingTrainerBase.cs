using System;
using System.Collections.Generic;
using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// The one voting trainer, whatever the task: members from one <see cref="MemberSource"/> (N fused copies of one Mlp recipe,
    /// or any ML.NET trainers of the task side by side), combined with normalised weights by a <see cref="VotingModel"/>. Each
    /// task's voting trainer adds only how the core becomes its model.
    /// </summary>
    /// <typeparam name="TTransformer">ML.NET's prediction transformer of the task.</typeparam>
    /// <typeparam name="TModel">The ensemble's model.</typeparam>
    public abstract class VotingTrainerBase<TTransformer, TModel> : TaskTrainerBase<TTransformer, TModel>
        where TTransformer : class, ISingleFeaturePredictionTransformer<TModel>
        where TModel : class
    {
        private readonly MemberSource _source;
        private readonly float[] _weights;

        /// <summary>N copies of one Mlp recipe (<paramref name="memberTrainer"/>, made from <paramref name="memberOptions"/>).</summary>
        private protected VotingTrainerBase(IHostEnvironment env, string name, MlpTask task, string displayName, MlpOptionsBase memberOptions,
            IFusedMemberTrainer memberTrainer, int numberOfModels, float[] weights)
            : base(env, name, task, displayName, memberOptions.FeatureColumnName, memberOptions.LabelColumnName, memberOptions.ExampleWeightColumnName)
        {
            _source = new FusedMlpCopies(numberOfModels, memberTrainer);
            _weights = VotingModel.NormalizeWeights(weights, numberOfModels);
        }

        /// <summary>Any ML.NET trainers of the task side by side; <paramref name="check"/> checks each fitted member (or null).</summary>
        private protected VotingTrainerBase(IHostEnvironment env, string name, MlpTask task, string displayName, IEnumerable<IEstimator<ITransformer>> members,
            float[] weights, string labelColumnName, string labelDescription, string featureColumnName, Action<int, EnsembleMember, RoleMappedData> check = null)
            : base(env, name, task, displayName, MemberSource.CheckColumn(featureColumnName, nameof(featureColumnName), "feature vector", "Features"),
                MemberSource.CheckColumn(labelColumnName, nameof(labelColumnName), labelDescription, "Label"), null)
        {
            _source = new TrainerMembers(task, members, check);
            _weights = VotingModel.NormalizeWeights(weights, _source.Count);
        }

        private protected override bool SupportsWarmStart => false;

        /// <summary>Trains every member and combines them.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override TModel TrainModelCore(TrainContext context)
        {
            var members = _source.Train(Host, Task, DisplayName, context.TrainingSet, context.ValidationSet);
            return CreateModel(new VotingModel(Task, members, _weights, DisplayName));
        }

        /// <summary>The task's voting model over <paramref name="core"/>.</summary>
        private protected abstract TModel CreateModel(VotingModel core);
    }
}
