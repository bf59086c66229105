using System;
using System.Collections.Generic;
using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
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
    public abstract class StackingModelParametersBase<TOutput> : ModelParametersBase<TOutput>, IValueMapper, ISingleCanSaveOnnx, IDisposable
    {
        private readonly VectorDataViewType _inputType;

        private protected StackingModelParametersBase(IHostEnvironment env, string name, StackingModel model)
            : base(env, name)
        {
            Model = model;
            _inputType = new VectorDataViewType(NumberDataViewType.Single, model.FeatureCount);
        }

        // Loading: ML.NET's own prefix (sizeof(float)) first, then our block and sub-models, read by format version.
        private protected StackingModelParametersBase(IHostEnvironment env, string name, ModelLoadContext ctx, int formatVersion, EnsembleTask task)
            : base(env, name, ctx)
        {
            Model = StackingModel.Load(env, ctx, formatVersion, task, name);
            _inputType = new VectorDataViewType(NumberDataViewType.Single, Model.FeatureCount);
        }

        private protected StackingModel Model { get; }

        /// <summary>The member models, in the order given to the trainer, each refitted on all the training rows
        /// (e.g. <see cref="MlpModelParameters"/>, or another trainer's model parameters).</summary>
        public IReadOnlyList<object> Members => Model.MemberModels;

        /// <summary>The meta-model: it reads the members' outputs side by side (member 0 first) and gives the ensemble's output.</summary>
        public object MetaModel => Model.Meta.Model;

        /// <summary>Number of folds whose out-of-fold predictions trained the meta-model.</summary>
        public int NumberOfFolds => Model.NumberOfFolds;

        /// <summary>Length of the feature vector the members score.</summary>
        public int NumberOfFeatures => Model.FeatureCount;

        DataViewType IValueMapper.InputType => _inputType;

        DataViewType IValueMapper.OutputType => typeof(TOutput) == typeof(float)
            ? NumberDataViewType.Single
            : new VectorDataViewType(NumberDataViewType.Single, Model.Meta.Width);

        /// <summary>The task's prediction kind.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => EnsembleMember.Kind(Model.Task);

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(TOutput),
                $"The stacking ensemble maps VBuffer<float> to {typeof(TOutput).Name}.");
            return (ValueMapper<TIn, TOut>)(Delegate)CreateMapper(Model.CreateScorer(GetType().Name));
        }

        /// <summary>The task's mapper over one cursor's scorer (members → meta-model).</summary>
        private protected abstract ValueMapper<VBuffer<float>, TOutput> CreateMapper(EnsembleMember.Scorer scorer);

        /// <summary>The model-file header of the task's model.</summary>
        private protected abstract VersionInfo GetVersionInfo();

        /// <summary>Writes the stacking block (docs/model-format.md), then each member and the meta-model as sub-models.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void SaveCore(ModelSaveContext ctx)
        {
            Model.CheckNotDisposed(GetType().Name);
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfo());
            Model.Save(ctx, GetType().Name);
        }

        /// <summary>True when every member and the meta-model can export; otherwise throws, naming the one that cannot.</summary>
        /// <exception cref="NotSupportedException">A member or the meta-model has no ONNX form (the message names it and its type).</exception>
        bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx)
        {
            MlNetVersionGuard.EnsureSupported();
            Model.CheckOnnx(ctx, GetType().Name);
            return true;
        }

        /// <summary>ML.NET's ONNX export hook: the members' graphs, their outputs side by side into the meta-model's graph, then the
        /// task's columns (<see cref="OnnxEnsembleWriter.WriteHead"/>; binary: the logit of the meta-model's probability).</summary>
        bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
        {
            OnnxEnsembleWriter.WriteHead(ctx, Model.Task, Model.WriteOnnx(ctx, featureColumn, GetType().Name), outputNames);
            return true;
        }

        /// <summary>
        /// Disposes the members and the meta-model that are disposable (MLP members). Afterwards scoring (directly, through a
        /// pipeline or a PredictionEngine) and saving throw <see cref="ObjectDisposedException"/>, whatever the members are.
        /// </summary>
        public void Dispose() => Model.Dispose();
    }
}
