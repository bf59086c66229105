using System;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Models;

[assembly: LoadableClass(typeof(RegressionVotingModelParameters), null, typeof(SignatureLoadModel),
    "Voting Regression Ensemble", RegressionVotingModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A regression voting ensemble: the members' scores averaged with normalised weights (scikit-learn's
    /// <c>VotingRegressor</c>), in the label's units. Members are ML.NET regression models (MLPs or any other trainer's),
    /// each saved inside the ensemble's model zip. Create it with <see cref="RegressionVotingEnsembleTrainer"/>.
    /// </summary>
    public sealed class RegressionVotingModelParameters : VotingModelParametersBase<float>
    {
        internal const string LoaderSignature = "VotingRegressionExec";
        private const string RegistrationName = "RegressionVotingModelParameters";

        internal RegressionVotingModelParameters(IHostEnvironment env, VotingModel core)
            : base(env, RegistrationName, core)
        {
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private RegressionVotingModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, ctx, formatVersion, RegressionTask.Default, nameof(RegressionVotingModelParameters))
        {
        }

        /// <summary>The ensemble's score for one feature vector: the weighted average of the members' scores (the Score column's value).</summary>
        /// <param name="features">A vector of <see cref="ValueMapperModelParametersBase{TOutput}.NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float PredictScore(float[] features) => Model.Score(Model.CreateScorer(), features)[0];

        /// <summary>Member <paramref name="member"/>'s score for one feature vector.</summary>
        /// <param name="member">0-based member index.</param>
        /// <param name="features">A vector of <see cref="ValueMapperModelParametersBase{TOutput}.NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float PredictMemberScore(int member, float[] features) => Model.Score(Model.CreateMemberScorer(member), features)[0];

        private protected override ValueMapper<VBuffer<float>, float> CreateMapper(MemberScorer score) =>
            EnsembleMember.ScalarMapper(score, average => average);

        /// <summary>The model-file header (written since format version 2; the versions are in docs/model-format.md).</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("VOTE REG", LoaderSignature, typeof(RegressionVotingModelParameters));

        private protected override VersionInfo VersionInfoForSave => GetVersionInfo();

        /// <summary>ML.NET's loader entry point, found through the LoadableClass attribute above.</summary>
        private static RegressionVotingModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
            ModelFormat.Load(env, ctx, GetVersionInfo, version => new RegressionVotingModelParameters(env, ctx, version));
    }
}
