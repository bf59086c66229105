using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;

namespace Microsoft.ML.Trainers.Mlp.Explain
{
    /// <summary>
    /// A model of this package as integrated gradients see it: the function whose change is attributed, in the units the
    /// README states (multiclass: a class probability; binary Mlp: the Score, a logit; binary ensembles: P(true); regression:
    /// the Score), its default baseline, and how many outputs it has. Voting ensembles are the weighted sum of their members'
    /// functions (exact by linearity); stacking ensembles the meta-model's function of the members' outputs side by side.
    /// </summary>
    internal sealed class ExplainedModel
    {
        private readonly Func<Differentiable> _create;

        private ExplainedModel(object model, ValueMapperModelParametersBase<VBuffer<float>> multiclass, IPackageModel core,
            Func<Differentiable> create, float[] defaultBaseline)
        {
            Model = model;
            Multiclass = multiclass;
            Core = core;
            _create = create;
            DefaultBaseline = defaultBaseline;
        }

        /// <summary>The model as given (for binary: ML.NET's calibrated wrapper); what the transformer saves.</summary>
        public object Model { get; }

        /// <summary>The model of this package inside (the wrapper's sub-model for binary).</summary>
        public IPackageModel Core { get; }

        /// <summary>The multiclass model whose Score vector picks the predicted class; null for one-output models.</summary>
        public ValueMapperModelParametersBase<VBuffer<float>> Multiclass { get; }

        /// <summary>The model's type name, as messages name it.</summary>
        public string Name => Core.GetType().Name;

        public int FeatureCount => Core.NumberOfFeatures;

        /// <summary>Outputs an attribution may be toward: the class count, or 1.</summary>
        public int OutputCount => Multiclass == null ? 1 : ((IValueMapper)Multiclass).OutputType.GetVectorSize();

        /// <summary>The training rows' feature means (an ensemble: the mean of its Mlps'); zeros where no model stores them.</summary>
        public float[] DefaultBaseline { get; }

        /// <summary>A new gradient function (one per caller).</summary>
        public Differentiable CreateFunction()
        {
            Core.EnsureNotDisposed();
            return _create();
        }

        /// <summary>The model behind <paramref name="model"/> (a prediction transformer's <c>Model</c>), or an error naming it.</summary>
        /// <exception cref="InvalidOperationException">Not a model of this package, or a part without a gradient.</exception>
        public static ExplainedModel Of(object model)
        {
            var core = model is CalibratedModelParametersBase calibrated ? calibrated.SubModel : model;
            var multiclass = core as ValueMapperModelParametersBase<VBuffer<float>>;
            ExplainedModel Make(Func<Differentiable> create, float[] baseline) =>
                new(model, multiclass, (IPackageModel)core, create, baseline);
            switch (core)
            {
                case MlpMulticlassModelParameters mlp:
                    return Make(mlp.CreateExplainedFunction, mlp.DefaultBaseline);
                case MlpBinaryModelParameters mlp:
                    return Make(mlp.CreateExplainedFunction, mlp.DefaultBaseline);
                case MlpRegressionModelParameters mlp:
                    return Make(mlp.CreateExplainedFunction, mlp.DefaultBaseline);
                case VotingModelParametersBase<VBuffer<float>> or VotingModelParametersBase<float>:
                    return Voting(core, Make);
                case StackingModelParametersBase<VBuffer<float>> or StackingModelParametersBase<float>:
                    return Stacking(core, Make);
                default:
                    throw new InvalidOperationException(
                        $"CalculateIntegratedGradients explains the models of Microsoft.ML.Mlp (Mlp, SoftVotingEnsemble, VotingEnsemble, StackingEnsemble), "
                        + $"but was given a {model?.GetType().Name ?? "null"}. "
                        + (core is ICalculateFeatureContribution
                            ? "ML.NET explains this model itself: use mlContext.Transforms.CalculateFeatureContribution(model)."
                            : "ML.NET has no per-row contributions for it either; PermutationFeatureImportance gives its global importances."));
            }
        }

        private static ExplainedModel Voting(object core, Func<Func<Differentiable>, float[], ExplainedModel> make)
        {
            var (members, weights) = core switch
            {
                VotingModelParametersBase<VBuffer<float>> v => (v.Members, v.Weights),
                VotingModelParametersBase<float> v => (v.Members, v.Weights),
                _ => throw new ArgumentException(core.GetType().Name),
            };
            string name = core.GetType().Name;
            // Members of weight 0 are never scored, so they are left out (and may be anything).
            var voting = Enumerable.Range(0, members.Count).Where(i => weights[i] != 0).ToArray();
            var weightArray = voting.Select(i => weights[i]).ToArray();
            Differentiable[] Parts() => voting.Select(i => PartGradients.Of(members[i], $"Member {i} of the {name}")).ToArray();
            Parts(); // every part once now: an unsupported member fails when the estimator is made, not mid-pipeline
            return make(() => new WeightedSum(Parts(), weightArray), Baseline(members, ((IPackageModel)core).NumberOfFeatures));
        }

        private static ExplainedModel Stacking(object core, Func<Func<Differentiable>, float[], ExplainedModel> make)
        {
            var (members, meta) = core switch
            {
                StackingModelParametersBase<VBuffer<float>> s => (s.Members, s.MetaModel),
                StackingModelParametersBase<float> s => (s.Members, s.MetaModel),
                _ => throw new ArgumentException(core.GetType().Name),
            };
            string name = core.GetType().Name;
            Differentiable Create() => new Chain(
                new Concatenation(members.Select((m, i) => PartGradients.Of(m, $"Member {i} of the {name}")).ToArray()),
                PartGradients.Of(meta, $"The meta-model of the {name}"));
            Create(); // every part once now: an unsupported one fails when the estimator is made, not mid-pipeline
            return make(Create, Baseline(members, ((IPackageModel)core).NumberOfFeatures));
        }

        /// <summary>The mean of the Mlp members' feature means (they trained on the same rows, so these agree); zeros if none has them.</summary>
        private static float[] Baseline(IReadOnlyList<object> members, int featureCount)
        {
            var means = members.Select(MeansOf).Where(m => m != null).ToArray();
            var baseline = new float[featureCount];
            foreach (var m in means)
                for (int j = 0; j < featureCount; j++)
                    baseline[j] += m[j] / means.Length;
            return baseline;
        }

        private static IReadOnlyList<float> MeansOf(object member) => member switch
        {
            MlpModelParametersBase<VBuffer<float>> mlp => mlp.FeatureMeans,
            MlpModelParametersBase<float> mlp => mlp.FeatureMeans,
            CalibratedModelParametersBase calibrated => MeansOf(calibrated.SubModel),
            _ => null,
        };
    }
}
