using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Trains a multilayer perceptron for regression (like scikit-learn's MLPRegressor). The label must be Single; features a
    /// known-size vector of Single. The network is the classifiers' with one linear output, trained on the label standardised
    /// with the training rows' mean and standard deviation (unweighted; saved with the model, so Score is in the label's units:
    /// see <see cref="MlpRegressionModelParameters.LabelMean"/>). <c>Fit</c> returns ML.NET's
    /// <see cref="RegressionPredictionTransformer{TModel}"/> with a Score column, so <c>Regression.Evaluate</c> works.
    /// Create it with <see cref="MlpCatalog.Mlp(RegressionCatalog.RegressionTrainers, MlpRegressionTrainer.Options)"/>.
    /// Warm start keeps the initial model's label scale.
    /// </summary>
    public sealed class MlpRegressionTrainer : MlpTrainerBase<RegressionPredictionTransformer<MlpRegressionModelParameters>,
        MlpRegressionModelParameters, MlpRegressionModelParameters>
    {
        internal const string LoadName = "MlpRegression";

        /// <summary>Options of <see cref="MlpRegressionTrainer"/>: the shared fields of <see cref="MlpOptionsBase"/> (same defaults) plus
        /// the loss. <see cref="MlpOptionsBase.ClassWeighting"/> does not apply (there are no classes); early stopping watches
        /// the validation loss, RMSE or R² (<see cref="MlpOptionsBase.EarlyStoppingMetric"/>). The history's losses are on the
        /// standardised label, its validation RMSE in label units, its accuracies 0.</summary>
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

            /// <summary>The loss minimised on the standardised label. Default <see cref="MlpRegressionLoss.Squared"/>.</summary>
            public MlpRegressionLoss Loss = MlpRegressionLoss.Squared;

            /// <summary>For <see cref="MlpRegressionLoss.Huber"/>: where the loss turns from quadratic to linear, in standard
            /// deviations of the label (the label is standardised). Default 1; must be &gt; 0.</summary>
            public float HuberDelta = 1f;

            private protected override void Check()
            {
                base.Check();
                if (!Enum.IsDefined(Loss))
                    throw new ArgumentOutOfRangeException(nameof(Loss), Loss, "Mlp (regression): Loss must be Squared, Huber or Absolute.");
                if (!(HuberDelta > 0) || float.IsInfinity(HuberDelta))
                    throw new ArgumentOutOfRangeException(nameof(HuberDelta), HuberDelta, "Mlp (regression): HuberDelta must be a finite number > 0 (default 1).");
            }
        }

        internal MlpRegressionTrainer(IHostEnvironment env, Options options)
            : base(env, LoadName, options == null ? RegressionTask.Default : new RegressionTask(options.Loss, options.HuberDelta), options)
        {
        }

        private protected override MlpRegressionModelParameters CreateModel(IHostEnvironment env, TrainedMlp trained, LabelScale scale) =>
            new MlpRegressionModelParameters(env, trained, scale.Mean, scale.StandardDeviation);
    }
}
