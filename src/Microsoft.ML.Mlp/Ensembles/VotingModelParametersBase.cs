using System.ComponentModel;
using System.Collections.Generic;
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
    /// What the voting ensembles of every task share: the members and normalised weights of one <see cref="VotingModel"/>, its
    /// save, disposal and ONNX export (each voting member's graph, their weighted average, the task's head). Each task's model
    /// parameters only turn the weighted average into its ML.NET output.
    /// </summary>
    /// <typeparam name="TOutput">The model's output: a probability vector (multiclass) or a float (binary logit, regression score).</typeparam>
    public abstract class VotingModelParametersBase<TOutput> : ValueMapperModelParametersBase<TOutput>
    {
        // Both constructors are private protected: only this package's three voting models derive from this class.
        private protected VotingModelParametersBase(IHostEnvironment env, string registrationName, VotingModel core)
            : base(env, registrationName)
        {
            Initialize(core);
        }

        private protected VotingModelParametersBase(IHostEnvironment env, string registrationName, ModelLoadContext ctx, int formatVersion,
            MlpTask task, string ensembleName)
            : base(env, registrationName, ctx)
        {
            Initialize(VotingModel.Load(env, ctx, formatVersion, task, ensembleName));
        }

        private void Initialize(VotingModel core)
        {
            Model = core;
            SetShape(core.FeatureCount, core.Width);
        }

        private protected VotingModel Model { get; private set; }

        /// <summary>The member models, in training order (e.g. MLP model parameters, or another trainer's).</summary>
        public IReadOnlyList<object> Members => Model.Models;

        /// <summary>The task's prediction kind.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => Model.Task.PredictionKind;

        /// <summary>Member weights, normalised to sum to 1.</summary>
        public IReadOnlyList<float> Weights => Model.Weights;

        // The core's scorer checks for disposal on every row.
        private protected sealed override ValueMapper<VBuffer<float>, TOutput> CreateMapper() => CreateMapper(Model.CreateScorer());

        /// <summary>The ML.NET output of the weighted average <paramref name="score"/> writes.</summary>
        private protected abstract ValueMapper<VBuffer<float>, TOutput> CreateMapper(MemberScorer score);

        /// <summary>Writes the weights as a checksummed block (docs/model-format.md), then each member as its own sub-model.</summary>
        private protected sealed override void SaveModel(ModelSaveContext ctx) => Model.Save(ctx);

        /// <summary>Throws, naming the first member that votes (weight ≠ 0) and has no ONNX form (its index and type).</summary>
        private protected sealed override void CheckOnnx(OnnxContext ctx) =>
            EnsembleOnnx.CheckMembers(ctx, GetType().Name, Members, i => Weights[i] != 0);

        /// <summary>Each voting member's graph, the weighted average of their outputs (probabilities, P(true) or scores, as the
        /// managed scoring sums them), then the task's columns (<see cref="MlpTask.WriteOnnxHead"/>).</summary>
        private protected sealed override void WriteOnnx(OnnxContext ctx, string features, string[] outputNames)
        {
            var outputs = new string[Model.Count];
            for (int m = 0; m < outputs.Length; m++)
                if (Weights[m] != 0)
                    outputs[m] = EnsembleOnnx.WriteOutput(ctx, Members[m], $"Member{m}", Model.Task, features);
            string average = MlpOnnxWriter.Intermediate(ctx, "VotingAverage");
            EnsembleOnnx.WriteWeightedAverage(ctx, outputs, Weights, average);
            Model.Task.WriteOnnxHead(ctx, average, outputNames);
        }

        /// <summary>Disposes the members that hold resources (MLP members); the ensemble then refuses to score or save,
        /// whatever its members are.</summary>
        private protected sealed override void DisposeCore() => Model.Dispose();

        private protected sealed override void CheckNotDisposed() => Model.CheckNotDisposed();
    }
}
