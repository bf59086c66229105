using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
using Microsoft.ML.Trainers.Mlp.Models;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// The voting core every task shares: trained members and their normalised weights, the weighted average of the members'
    /// outputs (class probabilities, P(true) or regression scores — whatever <see cref="EnsembleMember"/> gives for the task),
    /// save/load of weights and members, and disposal. The per-task model parameters are thin views over it that turn the
    /// average into their ML.NET output (a probability vector, a logit, a score).
    /// </summary>
    internal sealed class VotingModel
    {
        private readonly EnsembleMember[] _members;
        private readonly float[] _weights;
        private readonly string _ensembleName;
        private volatile bool _disposed;

        /// <summary>An ensemble of <paramref name="members"/> (all serving <paramref name="task"/>) with weights already normalised.</summary>
        /// <exception cref="InvalidOperationException">The members disagree on the feature count or output width.</exception>
        public VotingModel(MlpTask task, IReadOnlyList<EnsembleMember> members, float[] weights, string ensembleName)
        {
            Task = task;
            _members = members.ToArray();
            _weights = weights;
            _ensembleName = ensembleName;
            if (_members.Length != _weights.Length)
                throw new InvalidOperationException($"{ensembleName}: {_members.Length} members but {_weights.Length} weights.");
            for (int i = 0; i < _members.Length; i++)
                if (_members[i].Task != task || _members[i].FeatureCount != _members[0].FeatureCount || _members[i].Width != _members[0].Width)
                    throw new InvalidOperationException(
                        $"{ensembleName}: member {i} ({_members[i].Model.GetType().Name}) maps {_members[i].FeatureCount} features to {_members[i].Width} value(s) "
                        + $"but member 0 ({_members[0].Model.GetType().Name}) {_members[0].FeatureCount} to {_members[0].Width}. "
                        + "Train every member on the same label and feature columns.");
        }

        /// <summary>The task the members serve.</summary>
        public MlpTask Task { get; }

        /// <summary>The members' models, in training order.</summary>
        public IReadOnlyList<object> Models => _models ??= Array.AsReadOnly(_members.Select(m => (object)m.Model).ToArray());

        /// <summary>The normalised weights (sum 1).</summary>
        public IReadOnlyList<float> Weights => _readOnlyWeights ??= Array.AsReadOnly(_weights);

        // Built once: callers index these in loops (ONNX export, member scorers).
        private IReadOnlyList<object> _models;
        private IReadOnlyList<float> _readOnlyWeights;

        /// <summary>Number of members.</summary>
        public int Count => _members.Length;

        /// <summary>Length of the feature vector every member scores.</summary>
        public int FeatureCount => _members[0].FeatureCount;

        /// <summary>Values per member output (and per average): the class count for multiclass, 1 otherwise.</summary>
        public int Width => _members[0].Width;

        /// <summary>
        /// Checks and normalises user weights: one finite weight ≥ 0 per member, not all 0; null means equal weights.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">Wrong count, a negative/NaN/∞ weight, or all weights 0.</exception>
        public static float[] NormalizeWeights(float[] weights, int count)
        {
            if (weights == null)
                return Enumerable.Repeat(1f / count, count).ToArray();
            if (weights.Length != count)
                throw new ArgumentOutOfRangeException(nameof(weights), weights.Length,
                    $"weights has {weights.Length} value(s) but the ensemble has {count} member(s); give one weight per member, or null for equal weights.");
            for (int i = 0; i < weights.Length; i++)
                if (!(weights[i] >= 0) || float.IsInfinity(weights[i]))
                    throw new ArgumentOutOfRangeException(nameof(weights), weights[i], $"weights[{i}] is {weights[i]}; every weight must be a finite number ≥ 0.");
            double sum = weights.Sum(w => (double)w);
            if (sum <= 0)
                throw new ArgumentOutOfRangeException(nameof(weights), sum, "All weights are 0; at least one member needs a positive weight.");
            return weights.Select(w => (float)(w / sum)).ToArray();
        }

        /// <summary>
        /// A scorer for one cursor: the weighted sum of the members' outputs, in float, member by member in order, members of
        /// weight 0 skipped. (That exact arithmetic is what the multiclass golden models were written with; keep it.)
        /// </summary>
        public MemberScorer CreateScorer()
        {
            CheckNotDisposed();
            var scorers = _members.Select(m => m.CreateScorer()).ToArray();
            var memberOutput = new float[Width];
            return (in VBuffer<float> features, Span<float> output) =>
            {
                CheckNotDisposed(); // a scorer made before Dispose must not score after it (non-MLP members would)
                output.Clear();
                for (int m = 0; m < scorers.Length; m++)
                {
                    if (_weights[m] == 0)
                        continue;
                    scorers[m](in features, memberOutput);
                    for (int c = 0; c < output.Length; c++)
                        output[c] += _weights[m] * memberOutput[c];
                }
            };
        }

        /// <summary>A scorer of member <paramref name="member"/> alone.</summary>
        /// <exception cref="ArgumentOutOfRangeException">No such member.</exception>
        public MemberScorer CreateMemberScorer(int member)
        {
            CheckNotDisposed();
            if (member < 0 || member >= _members.Length)
                throw new ArgumentOutOfRangeException(nameof(member), member, $"The ensemble has members 0 to {_members.Length - 1}.");
            return _members[member].CreateScorer();
        }

        /// <summary>One feature vector through <paramref name="scorer"/>, checked for length.</summary>
        public float[] Score(MemberScorer scorer, float[] features)
        {
            if (features == null)
                throw new ArgumentNullException(nameof(features));
            if (features.Length != FeatureCount)
                throw new InvalidOperationException(
                    $"The ensemble was trained on feature vectors of length {FeatureCount} but was given a vector of length {features.Length}. "
                    + "Score data prepared by the same pipeline as the training data.");
            var output = new float[Width];
            scorer(new VBuffer<float>(features.Length, features), output);
            return output;
        }

        /// <summary>Writes the weights as a checksummed block (docs/model-format.md), then each member as its own sub-model.</summary>
        public void Save(ModelSaveContext ctx)
        {
            CheckNotDisposed();
            ModelFormat.WriteBlock(ctx.Writer, writer => SoftVotingFormat.Write(writer, _weights));
            for (int i = 0; i < _members.Length; i++)
                EnsembleMember.Save(ctx, _members[i], i);
        }

        /// <summary>Reads what <see cref="Save"/> wrote (the weights payload of <paramref name="formatVersion"/>, then the members).</summary>
        /// <exception cref="System.IO.InvalidDataException">A member is damaged, cannot be loaded, or does not serve the task.</exception>
        public static VotingModel Load(IHostEnvironment env, ModelLoadContext ctx, int formatVersion, MlpTask task, string ensembleName)
        {
            var weights = SoftVotingFormat.Read(ModelFormat.ReadPayload(ctx, formatVersion));
            var members = new EnsembleMember[weights.Length];
            for (int i = 0; i < members.Length; i++)
                members[i] = EnsembleMember.Load(env, ctx, i, task, ensembleName);
            try
            {
                return new VotingModel(task, members, weights, ensembleName);
            }
            catch (InvalidOperationException ex)
            {
                throw FormatReader.Damaged(ex.Message);
            }
        }

        /// <summary>Disposes the members that hold resources. Afterwards scoring and saving throw <see cref="ObjectDisposedException"/>.</summary>
        public void Dispose()
        {
            _disposed = true;
            foreach (var member in _members)
                member.Dispose();
        }

        /// <summary>Throws <see cref="ObjectDisposedException"/> once the ensemble is disposed.</summary>
        public void CheckNotDisposed()
        {
            if (_disposed)
                throw new ObjectDisposedException(_ensembleName,
                    $"This {_ensembleName} ({_members.Length} members) was disposed and can no longer score or be saved; load or train the model again.");
        }
    }
}
