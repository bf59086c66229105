using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Internals;
using Microsoft.ML.Trainers.Mlp.Models;

[assembly: LoadableClass(typeof(SoftVotingModelParameters), null, typeof(SignatureLoadModel),
    "Soft Voting Multiclass Ensemble", SoftVotingModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A soft-voting ensemble: the class probabilities of its member models averaged with normalised weights
    /// (scikit-learn's <c>VotingClassifier(voting='soft')</c>). Members are ordinary ML.NET multiclass models
    /// (MLPs or any other trainer's), each saved inside the ensemble's model zip.
    /// </summary>
    public sealed class SoftVotingModelParameters : ModelParametersBase<VBuffer<float>>, IValueMapper, IDisposable
    {
        internal const string LoaderSignature = "SoftVotingMulticlassExec";
        private const string RegistrationName = "SoftVotingModelParameters";

        private VotingCore _core;
        private VectorDataViewType _inputType;
        private VectorDataViewType _outputType;

        internal SoftVotingModelParameters(IHostEnvironment env, VotingCore core)
            : base(env, RegistrationName)
        {
            Initialize(core);
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        // The base constructor reads ML.NET's own prefix (sizeof(float)); the rest is the voting core's, read by format version.
        private SoftVotingModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, ctx)
        {
            Initialize(VotingCore.Load(env, ctx, formatVersion, EnsembleTask.Multiclass, nameof(SoftVotingModelParameters)));
        }

        private void Initialize(VotingCore core)
        {
            _core = core;
            _inputType = new VectorDataViewType(NumberDataViewType.Single, core.FeatureCount);
            _outputType = new VectorDataViewType(NumberDataViewType.Single, core.Width);
        }

        /// <summary>The member models, in training order (e.g. <see cref="MlpModelParameters"/>, or another trainer's model parameters).</summary>
        public IReadOnlyList<object> Members => _core.Models;

        /// <summary>Member weights, normalised to sum to 1.</summary>
        public IReadOnlyList<float> Weights => _core.Weights;

        /// <summary>Number of classes (length of the Score vector).</summary>
        public int NumberOfClasses => _core.Width;

        /// <summary>Length of the feature vector the members score.</summary>
        public int NumberOfFeatures => _core.FeatureCount;

        /// <summary>Always <see cref="PredictionKind.MulticlassClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

        DataViewType IValueMapper.InputType => _inputType;

        DataViewType IValueMapper.OutputType => _outputType;

        /// <summary>Class probabilities of one feature vector: the weighted average of the members'.</summary>
        /// <param name="features">A vector of <see cref="NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float[] PredictProbabilities(float[] features) => _core.Score(_core.CreateScorer(), features);

        /// <summary>Class probabilities of one feature vector according to member <paramref name="member"/> alone.</summary>
        /// <param name="member">0-based member index.</param>
        /// <param name="features">A vector of <see cref="NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float[] PredictMemberProbabilities(int member, float[] features) => _core.Score(_core.CreateMemberScorer(member), features);

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(VBuffer<float>), "The ensemble maps VBuffer<float> to VBuffer<float>.");
            var score = _core.CreateScorer(); // one per cursor (ML.NET's convention), so its buffers need no locking
            int classes = _core.Width;
            ValueMapper<VBuffer<float>, VBuffer<float>> map = (in VBuffer<float> src, ref VBuffer<float> dst) =>
            {
                var editor = VBufferEditor.Create(ref dst, classes);
                score(in src, editor.Values);
                dst = editor.Commit();
            };
            return (ValueMapper<TIn, TOut>)(Delegate)map;
        }

        /// <summary>The model-file header: format versions in docs/model-format.md.</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("SOFTVOTE", LoaderSignature, typeof(SoftVotingModelParameters));

        /// <summary>Writes the weights as a checksummed block (docs/model-format.md), then each member as its own sub-model.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void SaveCore(ModelSaveContext ctx)
        {
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfo());
            _core.Save(ctx);
        }

        /// <summary>ML.NET's loader entry point (found through the LoadableClass attribute).</summary>
        /// <exception cref="InvalidDataException">The stored ensemble or one of its members is damaged, or a member cannot be loaded.</exception>
        /// <exception cref="NotSupportedException">The ensemble or a member was saved in a newer format than this library reads.</exception>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static SoftVotingModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            if (env == null)
                throw new ArgumentNullException(nameof(env));
            MlNetVersionGuard.EnsureSupported(); // first: ModelFormat.Load names ML.NET internals the JIT resolves before it runs
            return ModelFormat.Load(ctx, GetVersionInfo(), nameof(SoftVotingModelParameters), version => new SoftVotingModelParameters(env, ctx, version));
        }

        /// <summary>
        /// Disposes the members that are disposable (MLP members). Afterwards scoring (<see cref="PredictProbabilities"/>,
        /// <see cref="PredictMemberProbabilities"/>, the ensemble's mappers and so a pipeline holding it) and saving throw
        /// <see cref="ObjectDisposedException"/>, whatever the members are.
        /// </summary>
        public void Dispose() => _core.Dispose();
    }
}
