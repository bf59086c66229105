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
    public sealed class BinarySoftVotingModelParameters : ModelParametersBase<float>, IValueMapper, IDisposable
    {
        internal const string LoaderSignature = "SoftVotingBinaryExec";
        private const string RegistrationName = "BinarySoftVotingModelParameters";

        /// <summary>Where the average probability is clipped: exactly 0 or 1 would make an infinite logit.</summary>
        internal const double MinimumProbability = 1e-15;

        private VotingCore _core;
        private VectorDataViewType _inputType;

        internal BinarySoftVotingModelParameters(IHostEnvironment env, VotingCore core)
            : base(env, RegistrationName)
        {
            Initialize(core);
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private BinarySoftVotingModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, ctx)
        {
            Initialize(VotingCore.Load(env, ctx, formatVersion, EnsembleTask.Binary, nameof(BinarySoftVotingModelParameters)));
        }

        private void Initialize(VotingCore core)
        {
            _core = core;
            _inputType = new VectorDataViewType(NumberDataViewType.Single, core.FeatureCount);
        }

        /// <summary>The member models, in training order: calibrated binary models (e.g. an Mlp's
        /// <c>CalibratedModelParametersBase&lt;MlpBinaryModelParameters, PlattCalibrator&gt;</c>, or another trainer's).</summary>
        public IReadOnlyList<object> Members => _core.Models;

        /// <summary>Member weights, normalised to sum to 1.</summary>
        public IReadOnlyList<float> Weights => _core.Weights;

        /// <summary>Length of the feature vector the members score.</summary>
        public int NumberOfFeatures => _core.FeatureCount;

        /// <summary>Always <see cref="PredictionKind.BinaryClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

        DataViewType IValueMapper.InputType => _inputType;

        DataViewType IValueMapper.OutputType => NumberDataViewType.Single;

        /// <summary>The ensemble's probability of true for one feature vector: the weighted average of the members'.</summary>
        /// <param name="features">A vector of <see cref="NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float PredictProbability(float[] features) => _core.Score(_core.CreateScorer(), features)[0];

        /// <summary>Member <paramref name="member"/>'s probability of true for one feature vector.</summary>
        /// <param name="member">0-based member index.</param>
        /// <param name="features">A vector of <see cref="NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float PredictMemberProbability(int member, float[] features) => _core.Score(_core.CreateMemberScorer(member), features)[0];

        /// <summary>The Score of one feature vector: the logit of <see cref="PredictProbability"/> (clipped as the class says).</summary>
        /// <param name="features">A vector of <see cref="NumberOfFeatures"/> values.</param>
        public float PredictScore(float[] features) => Logit(PredictProbability(features));

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(float), "The binary ensemble maps VBuffer<float> to float.");
            var score = _core.CreateScorer(); // one per cursor (ML.NET's convention), so its buffer needs no locking
            var probability = new float[1];
            ValueMapper<VBuffer<float>, float> map = (in VBuffer<float> src, ref float dst) =>
            {
                score(in src, probability);
                dst = Logit(probability[0]);
            };
            return (ValueMapper<TIn, TOut>)(Delegate)map;
        }

        /// <summary>log(p / (1 − p)) in double, p clipped to [<see cref="MinimumProbability"/>, 1 − <see cref="MinimumProbability"/>]
        /// (the weights' float rounding can also put an all-certain average a hair above 1).</summary>
        private static float Logit(float probability)
        {
            double p = Math.Clamp((double)probability, MinimumProbability, 1 - MinimumProbability);
            return (float)(Math.Log(p) - Math.Log(1 - p));
        }

        /// <summary>The model-file header: format versions in docs/model-format.md.</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("VOTE BIN", LoaderSignature, typeof(BinarySoftVotingModelParameters));

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
        public static BinarySoftVotingModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            if (env == null)
                throw new ArgumentNullException(nameof(env));
            MlNetVersionGuard.EnsureSupported(); // first: ModelFormat.Load names ML.NET internals the JIT resolves before it runs
            return ModelFormat.Load(ctx, GetVersionInfo(), nameof(BinarySoftVotingModelParameters), version => new BinarySoftVotingModelParameters(env, ctx, version));
        }

        /// <summary>Disposes the members that hold resources (MLP members). Afterwards scoring and saving throw
        /// <see cref="ObjectDisposedException"/>, whatever the members are.</summary>
        public void Dispose() => _core.Dispose();
    }
}
