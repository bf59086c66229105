using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Internals;
using Microsoft.ML.Trainers.Mlp.Models;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Trains a multilayer perceptron (TorchSharp) for binary classification. The label must be Boolean; features a known-size
    /// vector of Single. The network has two softmax outputs (false, true) — a softmax over two logits is the sigmoid of their
    /// difference — so every option, the engine and the model format are shared with <see cref="MlpMulticlassTrainer"/>.
    /// <c>Fit</c> returns ML.NET's <see cref="BinaryPredictionTransformer{TModel}"/> with Score (the logit), Probability and
    /// PredictedLabel, the columns of <c>LbfgsLogisticRegression</c>, so <c>BinaryClassification.Evaluate</c> gives calibrated metrics.
    /// Create it with <see cref="MlpCatalog.Mlp(BinaryClassificationCatalog.BinaryClassificationTrainers, MlpBinaryTrainer.Options)"/>.
    /// Warm start continues <c>transformer.Model.SubModel</c> of an earlier fit.
    /// </summary>
    public sealed class MlpBinaryTrainer : MlpTrainerBase<BinaryPredictionTransformer<CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>>,
        CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator>, MlpBinaryModelParameters>
    {
        internal const string LoadName = "MlpBinary";

        /// <summary>Options of <see cref="MlpBinaryTrainer"/>: every field is shared through <see cref="MlpOptionsBase"/>, with the same
        /// defaults as multiclass. <see cref="MlpOptionsBase.ClassWeighting"/> Balanced weighs false and true rows equally in total.</summary>
        public sealed class Options : MlpOptionsBase
        {
            /// <summary>Creates options with the default column names (Label, Features, no weight); options left null are
            /// chosen at Fit from the data (<see cref="MlpPreset.DataAware"/>).</summary>
            public Options()
                : base(MlpPreset.DataAware)
            {
            }

            /// <summary>Creates options with the default column names, starting from <paramref name="preset"/>; set any
            /// option on top (e.g. <c>new Options(MlpPreset.KerasReference) { NumberOfEpochs = 20 }</c>).</summary>
            public Options(MlpPreset preset)
                : base(preset)
            {
            }

            /// <summary>The Keras MNIST tutorial's recipe (<see cref="MlpPreset.KerasReference"/>): the seed recipe's member.</summary>
            public static Options KerasReference() => new(MlpPreset.KerasReference);
        }

        internal MlpBinaryTrainer(IHostEnvironment env, Options options)
            : base(env, LoadName, BinaryTask.Instance, options)
        {
        }

        /// <summary>The two-output network with its exact sigmoid as calibrator, as ML.NET's own binary trainers return calibrated models.</summary>
        private protected override CalibratedModelParametersBase<MlpBinaryModelParameters, PlattCalibrator> CreateModel(IHostEnvironment env,
            TrainedMlp trained, LabelScale scale) =>
            MlNetBridge.WithSigmoid(env, new MlpBinaryModelParameters(env, trained));
    }
}
