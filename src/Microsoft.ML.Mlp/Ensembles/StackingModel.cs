using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
using Microsoft.ML.Trainers.Mlp.Models;
using Microsoft.ML.Trainers.Mlp.Onnx;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// A trained stacking ensemble, whatever its task: the members refitted on all rows and the meta-model that combines
    /// their outputs. Scoring concatenates the members' outputs (multiclass probabilities, binary P(true), regression
    /// scores; member 0 first) and gives them to the meta-model, whose output is the ensemble's. The public model classes
    /// of each task wrap one of these.
    /// </summary>
    internal sealed class StackingModel
    {
        /// <summary>Where the meta-model is saved inside the ensemble's model directory.</summary>
        private const string MetaDirectory = "Meta";

        private readonly EnsembleMember[] _members;
        private volatile bool _disposed;

        public StackingModel(MlpTask task, EnsembleMember[] members, EnsembleMember meta, int numberOfFolds)
        {
            Task = task;
            _members = members;
            Meta = meta;
            NumberOfFolds = numberOfFolds;
            FeatureCount = members[0].FeatureCount;
            MetaFeatureCount = members.Sum(m => m.Width);
        }

        public MlpTask Task { get; }

        public EnsembleMember Meta { get; }

        public int NumberOfFolds { get; }

        /// <summary>Length of the feature vector the members score.</summary>
        public int FeatureCount { get; }

        /// <summary>Length of the meta-model's input: the members' outputs side by side.</summary>
        public int MetaFeatureCount { get; }

        public IReadOnlyList<object> MemberModels => _memberModels ??= Array.AsReadOnly(_members.Select(m => (object)m.Model).ToArray());

        private IReadOnlyList<object> _memberModels;

        /// <summary>A scorer for one cursor: members' outputs → meta-model → <see cref="Meta"/>'s output (class probabilities,
        /// P(true) or score).</summary>
        public MemberScorer CreateScorer(string modelName)
        {
            CheckNotDisposed(modelName);
            var scorers = _members.Select(m => m.CreateScorer()).ToArray();
            var meta = Meta.CreateScorer();
            var metaFeatures = new float[MetaFeatureCount];
            return (in VBuffer<float> features, Span<float> output) =>
            {
                CheckNotDisposed(modelName); // a mapper made before Dispose must not score after it
                if (features.Length != FeatureCount)
                    throw new InvalidOperationException(
                        $"The {modelName} was trained on feature vectors of length {FeatureCount} but was given a vector of length {features.Length}. "
                        + "Score data prepared by the same pipeline as the training data.");
                int offset = 0;
                for (int i = 0; i < scorers.Length; i++)
                {
                    scorers[i](in features, metaFeatures.AsSpan(offset, _members[i].Width));
                    offset += _members[i].Width;
                }
                var stacked = new VBuffer<float>(metaFeatures.Length, metaFeatures);
                meta(in stacked, output);
            };
        }

        /// <summary>Throws a <see cref="NotSupportedException"/> naming the first member, or the meta-model, that cannot be written as ONNX.</summary>
        public void CheckOnnx(OnnxContext ctx, string modelName)
        {
            CheckNotDisposed(modelName);
            EnsembleOnnx.CheckMembers(ctx, modelName, MemberModels);
            EnsembleOnnx.CheckPart(ctx, modelName, Meta.Model, "the meta-model");
        }

        /// <summary>Writes the graph as <see cref="CreateScorer"/> scores: each member's output from <paramref name="features"/>,
        /// concatenated in member order (Concat on axis 1), into the meta-model's own export. Returns the variable of the meta-model's
        /// output (class probabilities, P(true) or score).</summary>
        public string WriteOnnx(OnnxContext ctx, string features, string modelName)
        {
            CheckNotDisposed(modelName);
            var outputs = _members.Select((m, i) => EnsembleOnnx.WriteOutput(ctx, m.Model, $"Member{i}", Task, features)).ToArray();
            string metaFeatures = MlpOnnxWriter.Intermediate(ctx, "StackingMetaFeatures");
            ctx.CreateNode("Concat", outputs, new[] { metaFeatures }, ctx.GetNodeName("Concat"), "").AddAttribute("axis", 1L);
            return EnsembleOnnx.WriteOutput(ctx, Meta.Model, "Meta", Task, metaFeatures);
        }

        /// <summary>Writes the checksummed block (docs/model-format.md), then each member and the meta-model as sub-models.</summary>
        public void Save(ModelSaveContext ctx, string modelName)
        {
            CheckNotDisposed(modelName);
            ModelFormat.WriteBlock(ctx.Writer, writer => StackingFormat.Write(writer, Task, NumberOfFolds, FeatureCount, _members.Select(m => m.Width).ToArray()));
            for (int i = 0; i < _members.Length; i++)
                EnsembleMember.Save(ctx, _members[i], i);
            ctx.SaveModel(Meta.Model, MetaDirectory);
        }

        /// <summary>Reads what <see cref="Save"/> wrote and proves the parts fit together: every member scores the stored feature
        /// length into its stored width, and the meta-model maps all of them to the task's output.</summary>
        public static StackingModel Load(IHostEnvironment env, ModelLoadContext ctx, int formatVersion, MlpTask task, string modelName)
        {
            if (formatVersion < 2)
                throw FormatReader.Damaged($"a stacking ensemble exists from format version 2 on, but the header says version {formatVersion}");
            var (folds, featureCount, widths) = StackingFormat.Read(ModelFormat.ReadPayload(ctx, formatVersion), task);
            var members = new EnsembleMember[widths.Length];
            for (int i = 0; i < members.Length; i++)
            {
                members[i] = EnsembleMember.Load(env, ctx, i, task, modelName);
                if (members[i].FeatureCount != featureCount || members[i].Width != widths[i])
                    throw FormatReader.Damaged($"member {i} maps {members[i].FeatureCount} features to {members[i].Width} output(s) where the ensemble "
                        + $"stores {featureCount} to {widths[i]}");
            }
            var meta = EnsembleMember.Load(env, ctx, MetaDirectory, "the meta-model", task, modelName);
            if (meta.FeatureCount != widths.Sum() || meta.Width != widths[0])
                throw FormatReader.Damaged($"the meta-model maps {meta.FeatureCount} values to {meta.Width} where the members output {widths.Sum()}");
            return new StackingModel(task, members, meta, folds);
        }

        /// <summary>Disposes the members and the meta-model (MLP members hold scoring networks); scoring and saving then throw.</summary>
        public void Dispose()
        {
            _disposed = true;
            foreach (var member in _members)
                member.Dispose();
            Meta.Dispose();
        }

        public void CheckNotDisposed(string modelName)
        {
            if (_disposed)
                throw new ObjectDisposedException(modelName,
                    $"This {modelName} ({_members.Length} members) was disposed and can no longer score or be saved; load or train the model again.");
        }
    }
}
