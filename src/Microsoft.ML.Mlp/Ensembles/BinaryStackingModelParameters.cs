using System;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Models;

[assembly: LoadableClass(typeof(BinaryStackingModelParameters), null, typeof(SignatureLoadModel),
    "Stacking Binary Ensemble", BinaryStackingModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A binary stacking ensemble (scikit-learn's <c>StackingClassifier</c>): the members' probabilities of true go into a
    /// calibrated binary meta-model. The score is the logit of the meta-model's probability, log p − log(1 − p) with p clipped to
    /// [1e-15, 1 − 1e-15] (the one formula of every binary ensemble), so that the
    /// fixed sigmoid <see cref="BinaryStackingEnsembleTrainer"/> wraps it with gives back exactly that probability, as
    /// <see cref="MlpBinaryModelParameters"/> does.
    /// </summary>
    public sealed class BinaryStackingModelParameters : StackingModelParametersBase<float>
    {
        internal const string LoaderSignature = "StackingBinaryExec";
        private const string RegistrationName = nameof(BinaryStackingModelParameters);

        internal BinaryStackingModelParameters(IHostEnvironment env, StackingModel model)
            : base(env, RegistrationName, model)
        {
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private BinaryStackingModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, ctx, formatVersion, BinaryTask.Instance)
        {
        }

        private protected override ValueMapper<VBuffer<float>, float> CreateMapper(MemberScorer scorer) =>
            EnsembleMember.ScalarMapper(scorer, BinaryTask.Logit);

        /// <summary>The model-file header (written since format version 2; the versions are in docs/model-format.md).</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("STACKBIN", LoaderSignature, typeof(BinaryStackingModelParameters));

        private protected override VersionInfo VersionInfoForSave => GetVersionInfo();

        /// <summary>ML.NET's loader entry point, found through the LoadableClass attribute above.</summary>
        private static BinaryStackingModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
            ModelFormat.Load(env, ctx, GetVersionInfo, version => new BinaryStackingModelParameters(env, ctx, version));
    }
}
