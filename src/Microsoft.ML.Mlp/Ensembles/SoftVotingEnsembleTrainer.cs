using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Fits several multiclass models and averages their class probabilities (soft voting). Either N copies of
    /// one MLP recipe — trained together as one fused network, each member with its own seed, initialisation,
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

        private readonly MlpTrainer.Options _memberOptions;
        private readonly int _numberOfModels;
        private readonly IEstimator<ITransformer>[] _members;
        private readonly float[] _weights;

        /// <summary>N copies of one MLP recipe.</summary>
        internal SoftVotingEnsembleTrainer(IHostEnvironment env, MlpTrainer.Options memberOptions, int numberOfModels, float[] weights)
            : base(env, LoadName, MlpTrainer.CheckOptions(memberOptions).FeatureColumnName, memberOptions.LabelColumnName, memberOptions.ExampleWeightColumnName)
        {
            if (numberOfModels < 1)
                throw new ArgumentOutOfRangeException(nameof(numberOfModels), numberOfModels, "numberOfModels must be at least 1 (the reference recipe soft-votes 5).");
            _memberOptions = memberOptions.Clone();
            _memberOptions.HiddenLayerSizes = (int[])memberOptions.HiddenLayerSizes.Clone();
            _numberOfModels = numberOfModels;
            _weights = NormalizeWeights(weights, numberOfModels);
        }

        /// <summary>Any ML.NET multiclass trainers side by side.</summary>
        internal SoftVotingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, float[] weights,
            string labelColumnName, string featureColumnName)
            : base(env, LoadName, CheckColumn(featureColumnName, nameof(featureColumnName), "feature vector", "Features"),
                CheckColumn(labelColumnName, nameof(labelColumnName), "key-typed label", "Label"), null)
        {
            _members = members?.ToArray() ?? throw new ArgumentNullException(nameof(members));
            if (_members.Length == 0)
                throw new ArgumentException("The member list is empty; pass at least one multiclass trainer, e.g. mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy().", nameof(members));
            for (int i = 0; i < _members.Length; i++)
                if (_members[i] == null)
                    throw new ArgumentException($"Member {i} is null.", nameof(members));
            _numberOfModels = _members.Length;
            _weights = NormalizeWeights(weights, _members.Length);
        }

        private static string CheckColumn(string name, string parameter, string what, string example) =>
            string.IsNullOrEmpty(name)
                ? throw new ArgumentOutOfRangeException(parameter, name, $"{parameter} must name the members' {what} column, e.g. \"{example}\".")
                : name;

        private protected override string DisplayName => DisplayNameText;

        private protected override bool SupportsWarmStart => false;

        private static float[] NormalizeWeights(float[] weights, int count)
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

        /// <summary>Trains every member and combines them.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override SoftVotingModelParameters TrainModelCore(TrainContext context)
        {
            // Validation data drives the MLP copies' per-epoch validation and early stopping; heterogeneous members train as configured.
            if (_members != null && context.ValidationSet != null)
                using (var channel = Host.Start("Validation"))
                    channel.Warning("{0}: validation data is used by MLP copies only; heterogeneous members train as configured and ignore it.", DisplayName);
            var members = _members == null ? TrainMlpCopies(context.TrainingSet, context.ValidationSet) : TrainHeterogeneous(context.TrainingSet);
            return new SoftVotingModelParameters(Host, members, _weights);
        }

        private IValueMapper[] TrainMlpCopies(RoleMappedData data, RoleMappedData validation)
        {
            // Member i's seed comes from the base seed and i: members differ, the ensemble stays reproducible.
            int baseSeed = _memberOptions.Seed ?? Host.Rand.Next();
            var seeds = Enumerable.Range(0, _numberOfModels).Select(i => unchecked(baseSeed + i * 1_000_003)).ToArray();
            var result = MlpTraining.Run(Host, _memberOptions, data, seeds, validation);
            using var channel = Host.Start("Members");
            var models = new IValueMapper[_numberOfModels];
            for (int i = 0; i < models.Length; i++)
            {
                var last = result.Histories[i][^1];
                channel.Info("{0}: member {1} (seed {2}): {3} epochs, final loss {4:F4}, training accuracy {5:P2}{6}.", DisplayName, i, seeds[i],
                    result.Histories[i].Count, last.TrainingLoss, last.TrainingAccuracy,
                    last.ValidationAccuracy is double va ? $", validation accuracy {va:P2}" : "");
                models[i] = new MlpModelParameters(Host, result.Members[i], result.Histories[i]);
            }
            return models;
        }

        private IValueMapper[] TrainHeterogeneous(RoleMappedData data)
        {
            var (featureCount, classCount) = SchemaChecks.CheckTrainingSchema(data.Data.Schema, DisplayName, LabelColumn.Name, FeatureColumn.Name, null);
            // Rows with NaN/∞ features are skipped by trainers and would score NaN: they prove nothing about a member.
            var probe = data.Data.GetColumn<VBuffer<float>>(FeatureColumn.Name)
                .Where(row => row.DenseValues().All(float.IsFinite)).Take(ProbabilityCheckRows).ToArray();
            using var channel = Host.Start("Members");
            var models = new IValueMapper[_members.Length];
            for (int i = 0; i < _members.Length; i++)
            {
                Host.CheckAlive();
                CheckMemberLabel(i);
                var clock = Stopwatch.StartNew();
                var fitted = _members[i].Fit(data.Data);
                models[i] = CheckMember(i, fitted, featureCount, classCount, probe);
                channel.Info("{0}: member {1} ({2}) trained in {3:F2} s.", DisplayName, i, models[i].GetType().Name, clock.Elapsed.TotalSeconds);
            }
            return models;
        }

        private void CheckMemberLabel(int index)
        {
            // Every ML.NET trainer exposes the label it will train on; a member on another label would vote on other classes.
            var labelField = _members[index].GetType().GetField("LabelColumn");
            if (labelField?.GetValue(_members[index]) is SchemaShape.Column label && label.IsValid && label.Name != LabelColumn.Name)
                throw new InvalidOperationException(
                    $"{DisplayName}: member {index} ({_members[index].GetType().Name}) trains on label column '{label.Name}' but the ensemble on '{LabelColumn.Name}'. "
                    + "Give every member and the ensemble the same labelColumnName.");
        }

        private IValueMapper CheckMember(int index, ITransformer fitted, int featureCount, int classCount, VBuffer<float>[] probe)
        {
            string name = _members[index].GetType().Name;
            if (fitted is not ISingleFeaturePredictionTransformer<object> prediction || prediction.Model is not IValueMapper mapper)
                throw new InvalidOperationException(
                    $"{DisplayName}: member {index} ({name}) is not a multiclass trainer (it produced {fitted.GetType().Name}). "
                    + "Pass trainers such as mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy(); put shared transforms before the ensemble.");
            if (prediction.FeatureColumnName != FeatureColumn.Name)
                throw new InvalidOperationException(
                    $"{DisplayName}: member {index} ({name}) reads features from '{prediction.FeatureColumnName}' but the ensemble from '{FeatureColumn.Name}'. Use one featureColumnName for all.");
            if (mapper.OutputType is not VectorDataViewType output || output.Size != classCount || mapper.InputType is not VectorDataViewType input || input.Size != featureCount)
                throw new InvalidOperationException(
                    $"{DisplayName}: member {index} ({name}) maps {mapper.InputType} to {mapper.OutputType}, but the ensemble needs Vector<Single, {featureCount}> "
                    + $"to a Score of {classCount} classes (label '{LabelColumn.Name}'). Train every member on the same label and features.");

            var map = mapper.GetMapper<VBuffer<float>, VBuffer<float>>();
            VBuffer<float> scores = default;
            foreach (var row in probe)
            {
                map(in row, ref scores);
                var values = scores.DenseValues().ToArray();
                float sum = values.Sum();
                if (values.Any(p => !(p >= 0 && p <= 1)) || Math.Abs(sum - 1) > 1e-3f)
                    throw new InvalidOperationException(
                        $"{DisplayName}: member {index} ({name}) produces scores that are not class probabilities (one row sums to {sum}, values {string.Join(", ", values.Take(4))}…). "
                        + "Soft voting averages probabilities: use a calibrated multiclass trainer (LbfgsMaximumEntropy, SdcaMaximumEntropy, LightGbm, Mlp), not e.g. SdcaNonCalibrated.");
            }
            return mapper;
        }
    }
}
