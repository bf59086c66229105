using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
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
    public sealed class BinarySoftVotingEnsembleTrainer : VotingTrainerBase<BinaryPredictionTransformer<CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator>>,
        CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator>>
    {
        internal const string LoadName = "BinarySoftVotingEnsemble";
        internal const string TrainerName = "SoftVotingEnsemble (binary)";

        /// <summary>N copies of one binary MLP recipe.</summary>
        internal BinarySoftVotingEnsembleTrainer(IHostEnvironment env, MlpBinaryTrainer.Options memberOptions, int numberOfModels, float[] weights)
            : base(env, LoadName, BinaryTask.Instance, TrainerName, memberOptions, new MlpBinaryTrainer(env, memberOptions), numberOfModels, weights)
        {
        }

        /// <summary>Any calibrated ML.NET binary trainers side by side.</summary>
        internal BinarySoftVotingEnsembleTrainer(IHostEnvironment env, IEnumerable<IEstimator<ITransformer>> members, float[] weights,
            string labelColumnName, string featureColumnName)
            : base(env, LoadName, BinaryTask.Instance, TrainerName, members, weights, labelColumnName, "Boolean label", featureColumnName)
        {
        }

        /// <summary>The ensemble with the exact sigmoid as calibrator (Probability = the average).</summary>
        private protected override CalibratedModelParametersBase<BinarySoftVotingModelParameters, PlattCalibrator> CreateModel(VotingModel core) =>
            MlNetBridge.WithSigmoid(Host, new BinarySoftVotingModelParameters(Host, core));
    }
}
