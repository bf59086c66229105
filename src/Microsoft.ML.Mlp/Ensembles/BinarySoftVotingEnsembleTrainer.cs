using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Fits several calibrated binary models and averages their probabilities of true (soft voting, scikit-learn's
    /// <c>VotingClassifier(voting='soft')</c>). The members are N copies of one <see cref="MlpBinaryTrainer"/> recipe trained as one
    /// fused network, or any calibrated ML.NET binary trainers side by side. <c>Fit</c> returns ML.NET's
    /// <see cref="BinaryPredictionTransformer{TModel}"/> with the columns of <c>LbfgsLogisticRegression</c>: Score (the logit of the
    /// average), Probability (the average) and PredictedLabel (average &gt; 0.5), so <c>BinaryClassification.Evaluate</c> gives
    /// calibrated metrics. Create it with
    /// <see cref="MlpCatalog.SoftVotingEnsemble(BinaryClassificationCatalog.BinaryClassificationTrainers, MlpBinaryTrainer.Options, int, float[])"/>.
    /// </summary>
    public sealed class BinarySoftVotingEnsembleTrainer : BinaryTrainerBase<BinarySoftVotingModelParameters>
    {
        internal const string LoadName = "BinarySoftVotingEnsemble";
        internal const string TrainerName = "SoftVotingEnsemble (binary)";

        private readonly MemberSource _source;
        private readonly float[] _weights;

        /// <summary>N copies of one binary MLP recipe.</summary>
        internal BinarySoftVotingEnsembleTrainer(IHostEnvironment env, MlpBinaryTrainer.Options memberOptions, int numberOfModels, float[] weights)
            : base(env, LoadName, MlpTrainer.CheckOptions(memberOptions).FeatureColumnName, memberOptions.LabelColumnName, memberOptions.ExampleWeightColumnName)
        {
            var options = memberOptions.Clone();
            _source = new FusedMlpCopies(numberOfModels, options.Seed, (host, data, seeds, validation) =>
            {
                var result = MlpTraining.Run(host, options, data, seeds, validation, booleanLabel: true);
                return result.Members.Select((network, i) => ((object)MlNetBridge.WithSigmoid(host, new MlpBinaryModelParameters(host, network, result.Histories[i])),
                    (IReadOnlyList<MlpEpochMetrics>)result.Histories[i])).ToArray();
            });
            _weights = VotingCore.NormalizeWeights(weights, numberOfModels);
        }

        /// <summary>Any calibrated ML.NET binary trainers side by side.</summary>
        internal BinarySoftVotingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, float[] weights,
            string labelColumnName, string featureColumnName)
            : base(env, LoadName, MemberSource.CheckColumn(featureColumnName, nameof(featureColumnName), "feature vector", "Features"),
                MemberSource.CheckColumn(labelColumnName, nameof(labelColumnName), "Boolean label", "Label"), null)
        {
            _source = new TrainerMembers(EnsembleTask.Binary, members);
            _weights = VotingCore.NormalizeWeights(weights, _source.Count);
        }

        private protected override string DisplayName => TrainerName;

        private protected override bool SupportsWarmStart => false;

        /// <summary>Trains every member and combines them, with the exact sigmoid as calibrator (Probability = the average).</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator> TrainModelCore(TrainContext context)
        {
            var members = _source.Train(Host, EnsembleTask.Binary, TrainerName, context.TrainingSet, context.ValidationSet);
            return MlNetBridge.WithSigmoid(Host, new BinarySoftVotingModelParameters(Host, new VotingCore(EnsembleTask.Binary, members, _weights, TrainerName)));
        }
    }
}
