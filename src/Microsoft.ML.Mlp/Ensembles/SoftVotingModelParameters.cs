using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Internals;
using Microsoft.ML.Trainers.Mlp.Models;
using Microsoft.ML.Trainers.Mlp.Onnx;

[assembly: LoadableClass(typeof(SoftVotingModelParameters), null, typeof(SignatureLoadModel),
    "Soft Voting Multiclass Ensemble", SoftVotingModelParameters.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A soft-voting ensemble: the class probabilities of its member models averaged with normalised weights
    /// (scikit-learn's <c>VotingClassifier(voting='soft')</c>). Members are ordinary ML.NET multiclass models
    /// (MLPs or any other trainer's), each saved inside the ensemble's model zip.
    /// </summary>
    public sealed class SoftVotingModelParameters : ModelParametersBase<VBuffer<float>>, IValueMapper, ISingleCanSaveOnnx, IDisposable
    {
        internal const string LoaderSignature = "SoftVotingMulticlassExec";
        private const string RegistrationName = "SoftVotingModelParameters";

        private IValueMapper[] _members;
        private float[] _weights;
        private int _classCount;
        private VectorDataViewType _inputType;
        private VectorDataViewType _outputType;
        private volatile bool _disposed;

        internal SoftVotingModelParameters(IHostEnvironment env, IReadOnlyList<IValueMapper> members, float[] weights)
            : base(env, RegistrationName)
        {
            Initialize(members.ToArray(), weights);
        }

        // Three parameters on purpose: ML.NET rejects a loadable class with both a (env, ctx) constructor and Create.
        // The base constructor reads ML.NET's own prefix (sizeof(float)); the rest is ours, read by format version.
        private SoftVotingModelParameters(IHostEnvironment env, ModelLoadContext ctx, int formatVersion)
            : base(env, RegistrationName, ctx)
        {
            var weights = SoftVotingFormat.Read(ModelFormat.ReadPayload(ctx, formatVersion));
            var members = new IValueMapper[weights.Length];
            for (int i = 0; i < members.Length; i++)
                members[i] = LoadMember(env, ctx, i);
            CheckMembersAgree(members);
            Initialize(members, weights);
        }

        private static IValueMapper LoadMember(IHostEnvironment env, ModelLoadContext ctx, int index)
        {
            IPredictor member;
            try
            {
                ctx.LoadModel<IPredictor, SignatureLoadModel>(env, out member, MemberDirectory(index));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // ML.NET wraps a member's own error in reflection exceptions: bring its message up. A data error's text is
                // all there is to know (ours stays the innermost exception); anything else keeps its stack as the inner one.
                var cause = ex.GetBaseException();
                bool dataError = cause is InvalidDataException or FormatException or NotSupportedException;
                string message = $"The {nameof(SoftVotingModelParameters)} at '{ModelFormat.Where(ctx)}' could not load member {index} ('{MemberDirectory(index)}'): "
                    + cause.Message
                    + (cause is InvalidDataException or NotSupportedException ? ""
                        : " The model file is corrupt, or the member's trainer assembly (e.g. Microsoft.ML.LightGbm) is not referenced by this application.");
                throw cause is NotSupportedException ? new NotSupportedException(message) : new InvalidDataException(message, dataError ? null : ex);
            }
            return member as IValueMapper ?? throw FormatReader.Damaged($"member {index} ({member?.GetType().Name}) is not a model that can score");
        }

        /// <summary>Every member must map the same feature vector to the same number of class probabilities.</summary>
        private static void CheckMembersAgree(IValueMapper[] members)
        {
            for (int i = 0; i < members.Length; i++)
                if (members[i].InputType is not VectorDataViewType { ItemType: NumberDataViewType, Size: > 0 } input
                    || members[i].OutputType is not VectorDataViewType { Size: >= 2 } output
                    || input.Size != ((VectorDataViewType)members[0].InputType).Size
                    || output.Size != ((VectorDataViewType)members[0].OutputType).Size)
                    throw FormatReader.Damaged($"member {i} maps {members[i].InputType} to {members[i].OutputType}, unlike member 0 "
                        + $"({members[0].InputType} to {members[0].OutputType})");
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
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float[] PredictProbabilities(float[] features) => Map(CreateMapper(), features);

        /// <summary>Class probabilities of one feature vector according to member <paramref name="member"/> alone.</summary>
        /// <param name="member">0-based member index.</param>
        /// <param name="features">A vector of <see cref="NumberOfFeatures"/> values.</param>
        /// <exception cref="ObjectDisposedException">The ensemble was disposed.</exception>
        public float[] PredictMemberProbabilities(int member, float[] features)
        {
            CheckNotDisposed();
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
            CheckNotDisposed();
            var mappers = _members.Select(m => m.GetMapper<VBuffer<float>, VBuffer<float>>()).ToArray();
            var memberScores = new VBuffer<float>[mappers.Length];
            return (in VBuffer<float> src, ref VBuffer<float> dst) =>
            {
                CheckNotDisposed(); // a mapper made before Dispose must not score after it (non-MLP members would)
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

        /// <summary>True when every member that votes (weight ≠ 0) can export; otherwise throws, naming the member that cannot.</summary>
        /// <exception cref="NotSupportedException">A member has no ONNX form (its index and type are in the message).</exception>
        bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx)
        {
            MlNetVersionGuard.EnsureSupported();
            CheckNotDisposed();
            OnnxEnsembleWriter.CheckMembers(ctx, nameof(SoftVotingModelParameters), _members, i => _weights[i] != 0);
            return true;
        }

        /// <summary>ML.NET's ONNX export hook (outputs PredictedLabel, Score): each voting member's graph, the weighted average of
        /// their probabilities as Score, its arg-max as PredictedLabel.</summary>
        bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
        {
            CheckNotDisposed();
            var scores = new string[_members.Length];
            for (int m = 0; m < _members.Length; m++)
                if (_weights[m] != 0)
                    scores[m] = OnnxEnsembleWriter.WriteMember(ctx, _members[m], m, MulticlassColumns, featureColumn)[1];
            OnnxEnsembleWriter.WriteWeightedAverage(ctx, scores, _weights, outputNames[1]);
            MlpOnnxWriter.WritePredictedLabel(ctx, outputNames[1], outputNames[0]);
            return true;
        }

        /// <summary>A multiclass model's ONNX outputs, in ML.NET's order.</summary>
        private static readonly string[] MulticlassColumns = { DefaultColumnNames.PredictedLabel, DefaultColumnNames.Score };

        private static string MemberDirectory(int index) => $"Member{index:D3}";

        /// <summary>The model-file header: format versions in docs/model-format.md.</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("SOFTVOTE", LoaderSignature, typeof(SoftVotingModelParameters));

        /// <summary>Writes the weights as a checksummed block (docs/model-format.md), then each member as its own sub-model.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void SaveCore(ModelSaveContext ctx)
        {
            CheckNotDisposed();
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfo());
            ModelFormat.WriteBlock(ctx.Writer, writer => SoftVotingFormat.Write(writer, _weights));
            for (int i = 0; i < _members.Length; i++)
                ctx.SaveModel(_members[i], MemberDirectory(i));
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
        public void Dispose()
        {
            _disposed = true;
            foreach (var member in _members.OfType<IDisposable>())
                member.Dispose();
        }

        private void CheckNotDisposed()
        {
            if (_disposed)
                throw new ObjectDisposedException(nameof(SoftVotingModelParameters),
                    $"This {nameof(SoftVotingModelParameters)} ({_members.Length} members) was disposed and can no longer score or be saved; load or train the model again.");
        }
    }
}
