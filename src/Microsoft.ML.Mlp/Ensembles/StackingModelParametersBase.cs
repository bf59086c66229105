using System.Collections.Generic;
using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
using Microsoft.ML.Trainers.Mlp.Internals;
using Microsoft.ML.Trainers.Mlp.Models;
using Microsoft.ML.Trainers.Mlp.Onnx;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// What the stacking models of the three tasks share: the members (refitted on all the training rows), the meta-model
    /// trained on their out-of-fold outputs, save/load as one checksummed block plus sub-models (docs/model-format.md),
    /// disposal, and ONNX export (members → concatenated outputs → the meta-model's own graph → the task's columns). The
    /// task's class adds its output: class probabilities, a logit, or a score.
    /// </summary>
    /// <typeparam name="TOutput">What the model writes into the Score column.</typeparam>
    public abstract class StackingModelParametersBase<TOutput> : ValueMapperModelParametersBase<TOutput>
    {
        // Both constructors are private protected: only this package's three stacking models derive from this class.
        private protected StackingModelParametersBase(IHostEnvironment env, string name, StackingModel model)
            : base(env, name)
        {
            Model = model;
            SetShape(model.FeatureCount, model.Meta.Width);
        }

        // Loading: ML.NET's own prefix (sizeof(float)) first, then our block and sub-models, read by format version.
        private protected StackingModelParametersBase(IHostEnvironment env, string name, ModelLoadContext ctx, int formatVersion, MlpTask task)
            : base(env, name, ctx)
        {
            Model = StackingModel.Load(env, ctx, formatVersion, task, name);
            SetShape(Model.FeatureCount, Model.Meta.Width);
        }

        private protected StackingModel Model { get; }

        /// <summary>The member models, in the order given to the trainer, each refitted on all the training rows
        /// (e.g. <see cref="MlpMulticlassModelParameters"/>, or another trainer's model parameters).</summary>
        public IReadOnlyList<object> Members => Model.MemberModels;

        /// <summary>The meta-model: it reads the members' outputs side by side (member 0 first) and gives the ensemble's output.</summary>
        public object MetaModel => Model.Meta.Model;

        /// <summary>Number of folds whose out-of-fold predictions trained the meta-model.</summary>
        public int NumberOfFolds => Model.NumberOfFolds;

        /// <summary>The task's prediction kind.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => Model.Task.PredictionKind;

        // The model's scorer checks for disposal and the feature count on every row.
        private protected sealed override ValueMapper<VBuffer<float>, TOutput> CreateMapper() => CreateMapper(Model.CreateScorer(GetType().Name));

        /// <summary>The task's mapper over one cursor's scorer (members → meta-model).</summary>
        private protected abstract ValueMapper<VBuffer<float>, TOutput> CreateMapper(MemberScorer scorer);

        /// <summary>Writes the stacking block (docs/model-format.md), then each member and the meta-model as sub-models.</summary>
        private protected sealed override void SaveModel(ModelSaveContext ctx) => Model.Save(ctx, GetType().Name);

        /// <summary>Throws, naming the first member, or the meta-model, that has no ONNX form (and its type).</summary>
        private protected sealed override void CheckOnnx(OnnxContext ctx) => Model.CheckOnnx(ctx, GetType().Name);

        /// <summary>The members' graphs, their outputs side by side into the meta-model's graph, then the task's columns
        /// (<see cref="MlpTask.WriteOnnxHead"/>; binary: the logit of the meta-model's probability).</summary>
        private protected sealed override void WriteOnnx(OnnxContext ctx, string features, string[] outputNames) =>
            Model.Task.WriteOnnxHead(ctx, Model.WriteOnnx(ctx, features, GetType().Name), outputNames);

        /// <summary>Disposes the members and the meta-model that are disposable (MLP members); the ensemble then refuses to
        /// score or save, whatever its parts are.</summary>
        private protected sealed override void DisposeCore() => Model.Dispose();

        private protected sealed override void CheckNotDisposed() => Model.CheckNotDisposed(GetType().Name);
    }
}
