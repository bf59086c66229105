using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Fits several multiclass models and averages their class probabilities (soft voting). The members come from one member
    /// source: N copies of one MLP recipe — trained together as one fused network, each member with its own seed, initialisation,
    /// shuffling, dropout and batch-norm statistics — or any ML.NET multiclass trainers side by side, like
    /// scikit-learn's <c>VotingClassifier(voting='soft')</c>.
    /// Create it with <see cref="MlpCatalog.SoftVotingEnsemble(MulticlassClassificationCatalog.MulticlassClassificationTrainers, MlpTrainer.Options, int, float[])"/>.
    /// </summary>
    public sealed class SoftVotingEnsembleTrainer : MulticlassTrainerBase<SoftVotingModelParameters>
    {
        internal const string LoadName = "SoftVotingEnsemble";
        private const string DisplayNameText = "SoftVotingEnsemble";

        /// <summary>Rows checked to prove that a member's Score is a probability distribution.</summary>
        private const int ProbabilityCheckRows = 100;

        private readonly MemberSource _source;
        private readonly float[] _weights;

        /// <summary>N copies of one MLP recipe.</summary>
        internal SoftVotingEnsembleTrainer(IHostEnvironment env, MlpTrainer.Options memberOptions, int numberOfModels, float[] weights)
            : base(env, LoadName, MlpTrainer.CheckOptions(memberOptions).FeatureColumnName, memberOptions.LabelColumnName, memberOptions.ExampleWeightColumnName)
        {
            var options = memberOptions.Clone();
            _source = new FusedMlpCopies(numberOfModels, options.Seed, (host, data, seeds, validation) =>
            {
                var result = MlpTraining.Run(host, options, data, seeds, validation);
                return result.Members.Select((network, i) => ((object)new MlpModelParameters(host, network, result.Histories[i]), (IReadOnlyList<MlpEpochMetrics>)result.Histories[i])).ToArray();
            });
            _weights = VotingCore.NormalizeWeights(weights, numberOfModels);
        }

        /// <summary>Any ML.NET multiclass trainers side by side.</summary>
        internal SoftVotingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, float[] weights,
            string labelColumnName, string featureColumnName)
            : base(env, LoadName, MemberSource.CheckColumn(featureColumnName, nameof(featureColumnName), "feature vector", "Features"),
                MemberSource.CheckColumn(labelColumnName, nameof(labelColumnName), "key-typed label", "Label"), null)
        {
            _source = new TrainerMembers(EnsembleTask.Multiclass, members, CheckProbabilities);
            _weights = VotingCore.NormalizeWeights(weights, _source.Count);
        }

        private protected override string DisplayName => DisplayNameText;

        private protected override bool SupportsWarmStart => false;

        /// <summary>Trains every member and combines them.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override SoftVotingModelParameters TrainModelCore(TrainContext context)
        {
            var members = _source.Train(Host, EnsembleTask.Multiclass, DisplayName, context.TrainingSet, context.ValidationSet);
            return new SoftVotingModelParameters(Host, new VotingCore(EnsembleTask.Multiclass, members, _weights, DisplayName));
        }

        /// <summary>A member must give one probability per class of the ensemble's label: soft voting averages probabilities.</summary>
        private void CheckProbabilities(int index, EnsembleMember member, RoleMappedData data)
        {
            var (featureCount, classCount) = SchemaChecks.CheckTrainingSchema(data.Data.Schema, DisplayName, LabelColumn.Name, FeatureColumn.Name, null);
            string name = member.Model.GetType().Name;
            if (member.Width != classCount || member.FeatureCount != featureCount)
                throw new InvalidOperationException(
                    $"{DisplayName}: member {index} ({name}) maps {member.FeatureCount} features to {member.Width} scores, but the ensemble needs {featureCount} features "
                    + $"to a Score of {classCount} classes (label '{LabelColumn.Name}'). Train every member on the same label and features.");
            // Rows with NaN/∞ features are skipped by trainers and would score NaN: they prove nothing about a member.
            var probe = data.Data.GetColumn<VBuffer<float>>(FeatureColumn.Name)
                .Where(row => row.DenseValues().All(float.IsFinite)).Take(ProbabilityCheckRows);
            var score = member.CreateScorer();
            var values = new float[classCount];
            foreach (var row in probe)
            {
                score(in row, values);
                float sum = values.Sum();
                if (values.Any(p => !(p >= 0 && p <= 1)) || Math.Abs(sum - 1) > 1e-3f)
                    throw new InvalidOperationException(
                        $"{DisplayName}: member {index} ({name}) produces scores that are not class probabilities (one row sums to {sum}, values {string.Join(", ", values.Take(4))}…). "
                        + "Soft voting averages probabilities: use a calibrated multiclass trainer (LbfgsMaximumEntropy, SdcaMaximumEntropy, LightGbm, Mlp), not e.g. SdcaNonCalibrated.");
            }
        }
    }
}
