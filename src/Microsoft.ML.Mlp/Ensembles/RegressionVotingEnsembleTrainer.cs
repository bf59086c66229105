using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
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
    public sealed class RegressionVotingEnsembleTrainer : VotingTrainerBase<RegressionPredictionTransformer<RegressionVotingModelParameters>, RegressionVotingModelParameters>
    {
        internal const string LoadName = "RegressionVotingEnsemble";
        internal const string TrainerName = "VotingEnsemble (regression)";

        /// <summary>N copies of one regression MLP recipe.</summary>
        internal RegressionVotingEnsembleTrainer(IHostEnvironment env, MlpRegressionTrainer.Options memberOptions, int numberOfModels, float[] weights)
            : base(env, LoadName, RegressionTask.Default, TrainerName, memberOptions, new MlpRegressionTrainer(env, memberOptions), numberOfModels, weights)
        {
        }

        /// <summary>Any ML.NET regression trainers side by side.</summary>
        internal RegressionVotingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, float[] weights,
            string labelColumnName, string featureColumnName)
            : base(env, LoadName, RegressionTask.Default, TrainerName, members, weights, labelColumnName, "Single label", featureColumnName)
        {
        }

        private protected override RegressionVotingModelParameters CreateModel(VotingModel core) => new(Host, core);
    }
}
