using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
using Microsoft.ML.Trainers.Mlp.Data;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Fits several multiclass models and averages their class probabilities (soft voting). The members come from one member
    /// source: N copies of one MLP recipe — trained together as one fused network, each member with its own seed, initialisation,
    /// shuffling, dropout and batch-norm statistics — or any ML.NET multiclass trainers side by side, like
    /// scikit-learn's <c>VotingClassifier(voting='soft')</c>.
    /// Create it with <see cref="MlpCatalog.SoftVotingEnsemble(MulticlassClassificationCatalog.MulticlassClassificationTrainers, MlpMulticlassTrainer.Options, int, float[])"/>.
    /// </summary>
    public sealed class MulticlassSoftVotingEnsembleTrainer : VotingTrainerBase<MulticlassPredictionTransformer<MulticlassSoftVotingModelParameters>, MulticlassSoftVotingModelParameters>
    {
        internal const string LoadName = "SoftVotingEnsemble";
        private const string DisplayNameText = "SoftVotingEnsemble";

        /// <summary>Rows checked to prove that a member's Score is a probability distribution.</summary>
        private const int ProbabilityCheckRows = 100;

        /// <summary>N copies of one MLP recipe.</summary>
        internal MulticlassSoftVotingEnsembleTrainer(IHostEnvironment env, MlpMulticlassTrainer.Options memberOptions, int numberOfModels, float[] weights)
            : base(env, LoadName, MulticlassTask.Instance, DisplayNameText, memberOptions, new MlpMulticlassTrainer(env, memberOptions), numberOfModels, weights)
        {
        }

        /// <summary>Any ML.NET multiclass trainers side by side.</summary>
        internal MulticlassSoftVotingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, float[] weights,
            string labelColumnName, string featureColumnName)
            : base(env, LoadName, MulticlassTask.Instance, DisplayNameText, members, weights, labelColumnName, "key-typed label", featureColumnName, CheckProbabilities)
        {
        }

        private protected override MulticlassSoftVotingModelParameters CreateModel(VotingModel core) => new(Host, core);

        /// <summary>A member must give one probability per class of the ensemble's label: soft voting averages probabilities.</summary>
        private static void CheckProbabilities(int index, EnsembleMember member, RoleMappedData data)
        {
            string label = data.Schema.Label.Value.Name, features = data.Schema.Feature.Value.Name;
            var (featureCount, classCount) = MulticlassTask.Instance.CheckSchema(data.Data.Schema, DisplayNameText, label, features, null);
            string name = member.Model.GetType().Name;
            if (member.Width != classCount || member.FeatureCount != featureCount)
                throw new InvalidOperationException(
                    $"{DisplayNameText}: member {index} ({name}) maps {member.FeatureCount} features to {member.Width} scores, but the ensemble needs {featureCount} features "
                    + $"to a Score of {classCount} classes (label '{label}'). Train every member on the same label and features.");
            // Rows with NaN/∞ features are skipped by trainers and would score NaN: they prove nothing about a member.
            var probe = data.Data.GetColumn<VBuffer<float>>(features)
                .Where(row => row.DenseValues().All(float.IsFinite)).Take(ProbabilityCheckRows);
            var score = member.CreateScorer();
            var values = new float[classCount];
            foreach (var row in probe)
            {
                score(in row, values);
                float sum = values.Sum();
                if (values.Any(p => !(p >= 0 && p <= 1)) || Math.Abs(sum - 1) > 1e-3f)
                    throw new InvalidOperationException(
                        $"{DisplayNameText}: member {index} ({name}) produces scores that are not class probabilities (one row sums to {sum}, values {string.Join(", ", values.Take(4))}…). "
                        + "Soft voting averages probabilities: use a calibrated multiclass trainer (LbfgsMaximumEntropy, SdcaMaximumEntropy, LightGbm, Mlp), not e.g. SdcaNonCalibrated.");
            }
        }
    }
}
