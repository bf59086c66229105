using System.ComponentModel;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Models;

[assembly: LoadableClass(typeof(RegressionStackingModelParameters), null, typeof(SignatureLoadModel),
    "Stacking Regression Ensemble", RegressionStackingModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A regression stacking ensemble (scikit-learn's <c>StackingRegressor</c>): the members' scores go into a regression
    /// meta-model whose score is the Score column.
    /// </summary>
    public sealed class RegressionStackingModelParameters : StackingModelParametersBase<float>
    {
        internal const string LoaderSignature = "StackingRegressionExec";
        private const string RegistrationName = nameof(RegressionStackingModelParameters);

        internal RegressionStackingModelParameters(IHostEnvironment env, StackingModel model)
            : base(env, RegistrationName, model)
        {
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private RegressionStackingModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, ctx, formatVersion, RegressionTask.Default)
        {
        }

        private protected override ValueMapper<VBuffer<float>, float> CreateMapper(MemberScorer scorer) => EnsembleMember.ScalarMapper(scorer, score => score);

        /// <summary>The model-file header (written since format version 2; the versions are in docs/model-format.md).</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("STACKREG", LoaderSignature, typeof(RegressionStackingModelParameters));

        private protected override VersionInfo VersionInfoForSave => GetVersionInfo();

        /// <summary>ML.NET's loader entry point, found through the LoadableClass attribute above.</summary>
        private static RegressionStackingModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
            ModelFormat.Load(env, ctx, GetVersionInfo, version => new RegressionStackingModelParameters(env, ctx, version));
    }
}
