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
    public sealed class RegressionVotingEnsembleTrainer : RegressionTrainerBase<RegressionVotingModelParameters>
    {
        internal const string LoadName = "RegressionVotingEnsemble";
        internal const string TrainerName = "VotingEnsemble (regression)";

        private readonly MemberSource _source;
        private readonly float[] _weights;

        /// <summary>N copies of one regression MLP recipe.</summary>
        internal RegressionVotingEnsembleTrainer(IHostEnvironment env, MlpRegressionTrainer.Options memberOptions, int numberOfModels, float[] weights)
            : base(env, LoadName, MlpRegressionTrainer.CheckOptions(memberOptions).FeatureColumnName, memberOptions.LabelColumnName, memberOptions.ExampleWeightColumnName)
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
            : base(env, LoadName, MemberSource.CheckColumn(featureColumnName, nameof(featureColumnName), "feature vector", "Features"),
                MemberSource.CheckColumn(labelColumnName, nameof(labelColumnName), "Single label", "Label"), null)
        {
            _source = new TrainerMembers(EnsembleTask.Regression, members);
            _weights = VotingCore.NormalizeWeights(weights, _source.Count);
        }

        private protected override string DisplayName => TrainerName;

        private protected override bool SupportsWarmStart => false;

        /// <summary>Trains every member and averages their scores.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override RegressionVotingModelParameters TrainModelCore(TrainContext context)
        {
            var members = _source.Train(Host, EnsembleTask.Regression, TrainerName, context.TrainingSet, context.ValidationSet);
            return new RegressionVotingModelParameters(Host, new VotingCore(EnsembleTask.Regression, members, _weights, TrainerName));
        }
    }
}
