using System;
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
    /// What the voting ensembles of every task share: the members and normalised weights of one <see cref="VotingCore"/>, its
    /// save, disposal and ONNX export (each voting member's graph, their weighted average, the task's head). Each task's model
    /// parameters only turn the weighted average into its ML.NET output.
    /// </summary>
    /// <typeparam name="TOutput">The model's output: a probability vector (multiclass) or a float (binary logit, regression score).</typeparam>
    public abstract class VotingModelParametersBase<TOutput> : ModelParametersBase<TOutput>, IValueMapper, ISingleCanSaveOnnx, IDisposable
    {
        private protected VotingModelParametersBase(IHostEnvironment env, string registrationName, VotingCore core)
            : base(env, registrationName)
        {
            Initialize(core);
        }

        // The base constructor reads ML.NET's own prefix (sizeof(float)); the rest is the voting core's, read by format version.
        private protected VotingModelParametersBase(IHostEnvironment env, string registrationName, ModelLoadContext ctx, int formatVersion,
            MlpTask task, string ensembleName)
            : base(env, registrationName, ctx)
        {
            Initialize(VotingCore.Load(env, ctx, formatVersion, task, ensembleName));
        }

        private void Initialize(VotingCore core)
        {
            Core = core;
            InputType = new VectorDataViewType(NumberDataViewType.Single, core.FeatureCount);
        }

        private protected VotingCore Core { get; private set; }

        private protected VectorDataViewType InputType { get; private set; }

        /// <summary>The member models, in training order (e.g. MLP model parameters, or another trainer's).</summary>
        public IReadOnlyList<object> Members => Core.Models;

        /// <summary>Member weights, normalised to sum to 1.</summary>
        public IReadOnlyList<float> Weights => Core.Weights;

        /// <summary>Length of the feature vector the members score.</summary>
        public int NumberOfFeatures => Core.FeatureCount;

        DataViewType IValueMapper.InputType => InputType;

        DataViewType IValueMapper.OutputType => OutputType;

        private protected abstract DataViewType OutputType { get; }

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>) && typeof(TOut) == typeof(TOutput), $"The ensemble maps VBuffer<float> to {typeof(TOutput).Name}.");
            return (ValueMapper<TIn, TOut>)(Delegate)CreateMapper(Core.CreateScorer()); // one per cursor (ML.NET's convention): no locking
        }

        /// <summary>The ML.NET output of the weighted average <paramref name="score"/> writes.</summary>
        private protected abstract ValueMapper<VBuffer<float>, TOutput> CreateMapper(MemberScorer score);

        /// <summary>The model-file header: format versions in docs/model-format.md.</summary>
        private protected abstract VersionInfo GetVersionInfoCore();

        /// <summary>Writes the weights as a checksummed block (docs/model-format.md), then each member as its own sub-model.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void SaveCore(ModelSaveContext ctx)
        {
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfoCore());
            Core.Save(ctx);
        }

        /// <summary>True when every member that votes (weight ≠ 0) can export; otherwise throws, naming the member that cannot.</summary>
        /// <exception cref="NotSupportedException">A member has no ONNX form (its index and type are in the message).</exception>
        bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx)
        {
            MlNetVersionGuard.EnsureSupported();
            Core.CheckNotDisposed();
            EnsembleOnnx.CheckMembers(ctx, GetType().Name, Members, i => Weights[i] != 0);
            return true;
        }

        /// <summary>ML.NET's ONNX export hook: each voting member's graph, the weighted average of their outputs (probabilities,
        /// P(true) or scores, as the managed scoring sums them), then the task's columns (<see cref="MlpTask.WriteOnnxHead"/>).</summary>
        bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
        {
            Core.CheckNotDisposed();
            var outputs = new string[Core.Count];
            for (int m = 0; m < outputs.Length; m++)
                if (Weights[m] != 0)
                    outputs[m] = EnsembleOnnx.WriteOutput(ctx, Members[m], $"Member{m}", Core.Task, featureColumn);
            string average = MlpOnnxWriter.Intermediate(ctx, "VotingAverage");
            EnsembleOnnx.WriteWeightedAverage(ctx, outputs, Weights, average);
            Core.Task.WriteOnnxHead(ctx, average, outputNames);
            return true;
        }

        /// <summary>
        /// Disposes the members that hold resources (MLP members). Afterwards scoring (directly, through a pipeline or a
        /// PredictionEngine) and saving throw <see cref="ObjectDisposedException"/>, whatever the members are.
        /// </summary>
        public void Dispose() => Core.Dispose();
    }
}
