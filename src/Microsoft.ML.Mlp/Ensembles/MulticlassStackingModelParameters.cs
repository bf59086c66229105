using System;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Models;

[assembly: LoadableClass(typeof(MulticlassStackingModelParameters), null, typeof(SignatureLoadModel),
    "Stacking Multiclass Ensemble", MulticlassStackingModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A multiclass stacking ensemble (scikit-learn's <c>StackingClassifier</c>): the members' class probabilities, side by side,
    /// go into a multiclass meta-model whose class probabilities are the Score column. Members and meta-model are ordinary
    /// ML.NET models, each saved inside the ensemble's model zip.
    /// </summary>
    public sealed class MulticlassStackingModelParameters : StackingModelParametersBase<VBuffer<float>>
    {
        internal const string LoaderSignature = "StackingMulticlassExec";
        private const string RegistrationName = nameof(MulticlassStackingModelParameters);

        internal MulticlassStackingModelParameters(IHostEnvironment env, StackingModel model)
            : base(env, RegistrationName, model)
        {
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private MulticlassStackingModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, ctx, formatVersion, MulticlassTask.Instance)
        {
        }

        /// <summary>Number of classes (length of the Score vector).</summary>
        public int NumberOfClasses => Model.Meta.Width;

        /// <summary>Class probabilities of one feature vector according to the meta-model.</summary>
        /// <param name="features">A vector of <see cref="ValueMapperModelParametersBase{TOutput}.NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float[] PredictProbabilities(float[] features)
        {
            if (features == null)
                throw new ArgumentNullException(nameof(features));
            var output = new float[NumberOfClasses];
            Model.CreateScorer(RegistrationName)(new VBuffer<float>(features.Length, features), output);
            return output;
        }

        private protected override ValueMapper<VBuffer<float>, VBuffer<float>> CreateMapper(MemberScorer scorer) =>
            EnsembleMember.VectorMapper(scorer, NumberOfClasses);

        /// <summary>The model-file header (written since format version 2; the versions are in docs/model-format.md).</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("STACKMCL", LoaderSignature, typeof(MulticlassStackingModelParameters));

        private protected override VersionInfo VersionInfoForSave => GetVersionInfo();

        /// <summary>ML.NET's loader entry point, found through the LoadableClass attribute above.</summary>
        private static MulticlassStackingModelParameters Create(IHostEnvironment env, ModelLoadContext ctx) =>
            ModelFormat.Load(env, ctx, GetVersionInfo, version => new MulticlassStackingModelParameters(env, ctx, version));
    }
}
