using System;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Models;

[assembly: LoadableClass(typeof(BinarySoftVotingModelParameters), null, typeof(SignatureLoadModel),
    "Soft Voting Binary Ensemble", BinarySoftVotingModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A binary soft-voting ensemble: the members' probabilities of true averaged with normalised weights (scikit-learn's
    /// <c>VotingClassifier(voting='soft')</c>), given as a score that is the logit of that average, so that with the fixed
    /// sigmoid calibrator <see cref="BinarySoftVotingEnsembleTrainer"/> wraps it in, Probability is the average and the columns
    /// are those of <c>LbfgsLogisticRegression</c>. The average is clipped to [1e-15, 1 − 1e-15] (Score within ±34.54) only so
    /// that a row every member is certain of (probability exactly 0 or 1) keeps a finite Score. Members are calibrated ML.NET
    /// binary models (MLPs or any other trainer's), each saved inside the ensemble's model zip.
    /// </summary>
    public sealed class BinarySoftVotingModelParameters : VotingModelParametersBase<float>
    {
        internal const string LoaderSignature = "SoftVotingBinaryExec";
        private const string RegistrationName = "BinarySoftVotingModelParameters";

        internal BinarySoftVotingModelParameters(IHostEnvironment env, VotingModel core)
            : base(env, RegistrationName, core)
        {
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private BinarySoftVotingModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, ctx, formatVersion, BinaryTask.Instance, nameof(BinarySoftVotingModelParameters))
        {
        }

        /// <summary>The ensemble's probability of true for one feature vector: the weighted average of the members'.</summary>
        /// <param name="features">A vector of <see cref="ValueMapperModelParametersBase{TOutput}.NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float PredictProbability(float[] features) => Model.Score(Model.CreateScorer(), features)[0];

        /// <summary>Member <paramref name="member"/>'s probability of true for one feature vector.</summary>
        /// <param name="member">0-based member index.</param>
        /// <param name="features">A vector of <see cref="ValueMapperModelParametersBase{TOutput}.NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float PredictMemberProbability(int member, float[] features) => Model.Score(Model.CreateMemberScorer(member), features)[0];

        /// <summary>The Score of one feature vector: the logit of <see cref="PredictProbability"/> (clipped as the class says).</summary>
        /// <param name="features">A vector of <see cref="ValueMapperModelParametersBase{TOutput}.NumberOfFeatures"/> values.</param>
        public float PredictScore(float[] features) => BinaryTask.Logit(PredictProbability(features));

        private protected override ValueMapper<VBuffer<float>, float> CreateMapper(MemberScorer score) =>
            EnsembleMember.ScalarMapper(score, BinaryTask.Logit);

        /// <summary>The model-file header (written since format version 2; the versions are in docs/model-format.md).</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("VOTE BIN", LoaderSignature, typeof(BinarySoftVotingModelParameters));

        private protected override VersionInfo VersionInfoForSave => GetVersionInfo();

        /// <summary>ML.NET's loader entry point, found through the LoadableClass attribute above.</summary>
        private static BinarySoftVotingModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
            ModelFormat.Load(env, ctx, GetVersionInfo, version => new BinarySoftVotingModelParameters(env, ctx, version));
    }
}
