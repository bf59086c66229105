using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Internals;
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
    public sealed class RegressionVotingModelParameters : ModelParametersBase<float>, IValueMapper, IDisposable
    {
        internal const string LoaderSignature = "VotingRegressionExec";
        private const string RegistrationName = "RegressionVotingModelParameters";

        private VotingCore _core;
        private VectorDataViewType _inputType;

        internal RegressionVotingModelParameters(IHostEnvironment env, VotingCore core)
            : base(env, RegistrationName)
        {
            Initialize(core);
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private RegressionVotingModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, ctx)
        {
            Initialize(VotingCore.Load(env, ctx, formatVersion, EnsembleTask.Regression, nameof(RegressionVotingModelParameters)));
        }

        private void Initialize(VotingCore core)
        {
            _core = core;
            _inputType = new VectorDataViewType(NumberDataViewType.Single, core.FeatureCount);
        }

        /// <summary>The member models, in training order (e.g. <see cref="MlpRegressionModelParameters"/>, or another trainer's).</summary>
        public IReadOnlyList<object> Members => _core.Models;

        /// <summary>Member weights, normalised to sum to 1.</summary>
        public IReadOnlyList<float> Weights => _core.Weights;

        /// <summary>Length of the feature vector the members score.</summary>
        public int NumberOfFeatures => _core.FeatureCount;

        /// <summary>Always <see cref="PredictionKind.Regression"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.Regression;

        DataViewType IValueMapper.InputType => _inputType;

        DataViewType IValueMapper.OutputType => NumberDataViewType.Single;

        /// <summary>The ensemble's score for one feature vector: the weighted average of the members' scores (the Score column's value).</summary>
        /// <param name="features">A vector of <see cref="NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float PredictScore(float[] features) => _core.Score(_core.CreateScorer(), features)[0];

        /// <summary>Member <paramref name="member"/>'s score for one feature vector.</summary>
        /// <param name="member">0-based member index.</param>
        /// <param name="features">A vector of <see cref="NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float PredictMemberScore(int member, float[] features) => _core.Score(_core.CreateMemberScorer(member), features)[0];

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(float), "The regression ensemble maps VBuffer<float> to float.");
            var score = _core.CreateScorer(); // one per cursor (ML.NET's convention), so its buffer needs no locking
            var average = new float[1];
            ValueMapper<VBuffer<float>, float> map = (in VBuffer<float> src, ref float dst) =>
            {
                score(in src, average);
                dst = average[0];
            };
            return (ValueMapper<TIn, TOut>)(Delegate)map;
        }

        /// <summary>The model-file header: format versions in docs/model-format.md.</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("VOTE REG", LoaderSignature, typeof(RegressionVotingModelParameters));

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
        public static RegressionVotingModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            if (env == null)
                throw new ArgumentNullException(nameof(env));
            MlNetVersionGuard.EnsureSupported(); // first: ModelFormat.Load names ML.NET internals the JIT resolves before it runs
            return ModelFormat.Load(ctx, GetVersionInfo(), nameof(RegressionVotingModelParameters), version => new RegressionVotingModelParameters(env, ctx, version));
        }

        /// <summary>Disposes the members that hold resources (MLP members). Afterwards scoring and saving throw
        /// <see cref="ObjectDisposedException"/>, whatever the members are.</summary>
        public void Dispose() => _core.Dispose();
    }
}
