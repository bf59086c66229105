using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Internals;

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

        private IValueMapper[] _members;
        private float[] _weights;
        private int _classCount;
        private VectorDataViewType _inputType;
        private VectorDataViewType _outputType;

        internal SoftVotingModelParameters(IHostEnvironment env, IReadOnlyList<IValueMapper> members, float[] weights)
            : base(env, RegistrationName)
        {
            Initialize(members.ToArray(), weights);
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        private SoftVotingModelParameters(IHostEnvironment env, ModelLoadContext ctx, string registrationName)
            : base(env, registrationName, ctx)
        {
            int count = ctx.Reader.ReadInt32();
            Host.CheckDecode(count > 0);
            var weights = new float[count];
            var members = new IValueMapper[count];
            for (int i = 0; i < count; i++)
                weights[i] = ctx.Reader.ReadSingle();
            for (int i = 0; i < count; i++)
            {
                ctx.LoadModel<IPredictor, SignatureLoadModel>(env, out var member, MemberDirectory(i));
                members[i] = member as IValueMapper ?? throw Host.ExceptDecode($"Ensemble member {i} ({member.GetType().Name}) cannot score.");
            }
            Initialize(members, weights);
        }

        private void Initialize(IValueMapper[] members, float[] weights)
        {
            _members = members;
            _weights = weights;
            _inputType = (VectorDataViewType)members[0].InputType;
            _classCount = ((VectorDataViewType)members[0].OutputType).Size;
            _outputType = new VectorDataViewType(NumberDataViewType.Single, _classCount);
        }

        /// <summary>The member models, in training order (e.g. <see cref="MlpModelParameters"/>, or another trainer's model parameters).</summary>
        public IReadOnlyList<object> Members => Array.AsReadOnly<object>(_members);

        /// <summary>Member weights, normalised to sum to 1.</summary>
        public IReadOnlyList<float> Weights => Array.AsReadOnly(_weights);

        /// <summary>Number of classes (length of the Score vector).</summary>
        public int NumberOfClasses => _classCount;

        /// <summary>Length of the feature vector the members score.</summary>
        public int NumberOfFeatures => _inputType.Size;

        /// <summary>Always <see cref="PredictionKind.MulticlassClassification"/>.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

        DataViewType IValueMapper.InputType => _inputType;

        DataViewType IValueMapper.OutputType => _outputType;

        /// <summary>Class probabilities of one feature vector: the weighted average of the members'.</summary>
        /// <param name="features">A vector of <see cref="NumberOfFeatures"/> values.</param>
        public float[] PredictProbabilities(float[] features) => Map(CreateMapper(), features);

        /// <summary>Class probabilities of one feature vector according to member <paramref name="member"/> alone.</summary>
        /// <param name="member">0-based member index.</param>
        /// <param name="features">A vector of <see cref="NumberOfFeatures"/> values.</param>
        public float[] PredictMemberProbabilities(int member, float[] features)
        {
            if (member < 0 || member >= _members.Length)
                throw new ArgumentOutOfRangeException(nameof(member), member, $"The ensemble has members 0 to {_members.Length - 1}.");
            return Map(_members[member].GetMapper<VBuffer<float>, VBuffer<float>>(), features);
        }

        private float[] Map(ValueMapper<VBuffer<float>, VBuffer<float>> mapper, float[] features)
        {
            if (features == null)
                throw new ArgumentNullException(nameof(features));
            if (features.Length != NumberOfFeatures)
                throw new InvalidOperationException(
                    $"The ensemble was trained on feature vectors of length {NumberOfFeatures} but was given a vector of length {features.Length}. "
                    + "Score data prepared by the same pipeline as the training data.");
            var src = new VBuffer<float>(features.Length, features);
            VBuffer<float> dst = default;
            mapper(in src, ref dst);
            return dst.DenseValues().ToArray();
        }

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(VBuffer<float>), "The ensemble maps VBuffer<float> to VBuffer<float>.");
            return (ValueMapper<TIn, TOut>)(Delegate)CreateMapper();
        }

        /// <summary>One mapper per cursor (ML.NET's convention), so its buffers need no locking.</summary>
        private ValueMapper<VBuffer<float>, VBuffer<float>> CreateMapper()
        {
            var mappers = _members.Select(m => m.GetMapper<VBuffer<float>, VBuffer<float>>()).ToArray();
            var memberScores = new VBuffer<float>[mappers.Length];
            return (in VBuffer<float> src, ref VBuffer<float> dst) =>
            {
                var editor = VBufferEditor.Create(ref dst, _classCount);
                var sum = editor.Values;
                sum.Clear();
                for (int m = 0; m < mappers.Length; m++)
                {
                    if (_weights[m] == 0)
                        continue;
                    mappers[m](in src, ref memberScores[m]);
                    var scores = memberScores[m].GetValues();
                    if (!memberScores[m].IsDense)
                        scores = memberScores[m].DenseValues().ToArray();
                    for (int c = 0; c < sum.Length; c++)
                        sum[c] += _weights[m] * scores[c];
                }
                dst = editor.Commit();
            };
        }

        private static string MemberDirectory(int index) => $"Member{index:D3}";

        private static VersionInfo GetVersionInfo() =>
            MlNetBridge.Version("SOFTVOTE", 0x00010001, LoaderSignature, typeof(SoftVotingModelParameters));

        /// <summary>Writes the weights, then each member as its own sub-model.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void SaveCore(ModelSaveContext ctx)
        {
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfo());
            ctx.Writer.Write(_members.Length);
            foreach (float w in _weights)
                ctx.Writer.Write(w);
            for (int i = 0; i < _members.Length; i++)
                ctx.SaveModel(_members[i], MemberDirectory(i));
        }

        /// <summary>ML.NET's loader entry point (found through the LoadableClass attribute).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static SoftVotingModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            if (env == null)
                throw new ArgumentNullException(nameof(env));
            MlNetBridge.CheckAtModel(ctx, GetVersionInfo); // version guard first; names no ML.NET internal member
            return new SoftVotingModelParameters(env, ctx, RegistrationName);
        }

        /// <summary>Disposes the members that are disposable (MLP members).</summary>
        public void Dispose()
        {
            foreach (var member in _members.OfType<IDisposable>())
                member.Dispose();
        }
    }
}
