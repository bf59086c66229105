using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Models;

[assembly: LoadableClass(typeof(MulticlassSoftVotingModelParameters), null, typeof(SignatureLoadModel),
    "Soft Voting Multiclass Ensemble", MulticlassSoftVotingModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A soft-voting ensemble: the class probabilities of its member models averaged with normalised weights
    /// (scikit-learn's <c>VotingClassifier(voting='soft')</c>). Members are ordinary ML.NET multiclass models
    /// (MLPs or any other trainer's), each saved inside the ensemble's model zip.
    /// </summary>
    public sealed class MulticlassSoftVotingModelParameters : VotingModelParametersBase<VBuffer<float>>
    {
        internal const string LoaderSignature = "SoftVotingMulticlassExec";
        private const string RegistrationName = "MulticlassSoftVotingModelParameters";

        internal MulticlassSoftVotingModelParameters(IHostEnvironment env, VotingModel core)
            : base(env, RegistrationName, core)
        {
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private MulticlassSoftVotingModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, ctx, formatVersion, MulticlassTask.Instance, nameof(MulticlassSoftVotingModelParameters))
        {
        }

        /// <summary>Number of classes (length of the Score vector).</summary>
        public int NumberOfClasses => Model.Width;

        /// <summary>Class probabilities of one feature vector: the weighted average of the members'.</summary>
        /// <param name="features">A vector of <see cref="ValueMapperModelParametersBase{TOutput}.NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float[] PredictProbabilities(float[] features) => Model.Score(Model.CreateScorer(), features);

        /// <summary>Class probabilities of one feature vector according to member <paramref name="member"/> alone.</summary>
        /// <param name="member">0-based member index.</param>
        /// <param name="features">A vector of <see cref="ValueMapperModelParametersBase{TOutput}.NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float[] PredictMemberProbabilities(int member, float[] features) => Model.Score(Model.CreateMemberScorer(member), features);

        private protected override ValueMapper<VBuffer<float>, VBuffer<float>> CreateMapper(MemberScorer score) =>
            EnsembleMember.VectorMapper(score, Model.Width);

        /// <summary>The model-file header (written since format version 1; the versions are in docs/model-format.md).</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("SOFTVOTE", LoaderSignature, typeof(MulticlassSoftVotingModelParameters));

        private protected override VersionInfo VersionInfoForSave => GetVersionInfo();

        /// <summary>ML.NET's loader entry point, found through the LoadableClass attribute above.</summary>
        private static MulticlassSoftVotingModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
            ModelFormat.Load(env, ctx, GetVersionInfo, version => new MulticlassSoftVotingModelParameters(env, ctx, version));
    }
}
