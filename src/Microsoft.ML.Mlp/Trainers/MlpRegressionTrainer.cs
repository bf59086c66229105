using System;
using System.ComponentModel;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Trains a multilayer perceptron for regression (like scikit-learn's MLPRegressor). The label must be Single; features a
    /// known-size vector of Single. The network is the classifiers' with one linear output, trained on the label standardised
    /// with the training rows' mean and standard deviation (unweighted; saved with the model, so Score is in the label's units:
    /// see <see cref="MlpRegressionModelParameters.LabelMean"/>). <c>Fit</c> returns ML.NET's
    /// <see cref="RegressionPredictionTransformer{TModel}"/> with a Score column, so <c>Regression.Evaluate</c> works.
    /// Create it with <see cref="MlpCatalog.Mlp(RegressionCatalog.RegressionTrainers, MlpRegressionTrainer.Options)"/>.
    /// </summary>
    public sealed class MlpRegressionTrainer : RegressionTrainerBase<MlpRegressionModelParameters>
    {
        internal const string LoadName = "MlpRegression";
        internal const string TrainerName = "Mlp (regression)";

        /// <summary>Options of <see cref="MlpRegressionTrainer"/>: the shared fields of <see cref="MlpOptionsBase"/> (same defaults) plus
        /// the loss. <see cref="MlpOptionsBase.ClassWeighting"/> does not apply (there are no classes); early stopping watches
        /// the validation loss, RMSE or R² (<see cref="MlpOptionsBase.EarlyStoppingMetric"/>). The history's losses are on the
        /// standardised label, its validation RMSE in label units, its accuracies 0.</summary>
        public sealed class Options : MlpOptionsBase
        {
            /// <summary>Creates options with the default column names (Label, Features, no weight).</summary>
            public Options()
            {
            }

            /// <summary>The loss minimised on the standardised label. Default <see cref="MlpRegressionLoss.Squared"/>.</summary>
            public MlpRegressionLoss Loss = MlpRegressionLoss.Squared;

            /// <summary>For <see cref="MlpRegressionLoss.Huber"/>: where the loss turns from quadratic to linear, in standard
            /// deviations of the label (the label is standardised). Default 1; must be &gt; 0.</summary>
            public float HuberDelta = 1f;

            internal Options Clone() => (Options)CloneOptions();
        }

        private readonly Options _options;

        internal MlpRegressionTrainer(IHostEnvironment env, Options options)
            : base(env, LoadName, CheckOptions(options).FeatureColumnName, options.LabelColumnName, options.ExampleWeightColumnName)
        {
            _options = options.Clone();
        }

        internal static Options CheckOptions(Options options)
        {
            MlpTrainer.CheckOptions(options);
            if (!Enum.IsDefined(options.Loss))
                throw new ArgumentOutOfRangeException(nameof(options.Loss), options.Loss, $"{TrainerName}: Loss must be Squared, Huber or Absolute.");
            if (!(options.HuberDelta > 0) || float.IsInfinity(options.HuberDelta))
                throw new ArgumentOutOfRangeException(nameof(options.HuberDelta), options.HuberDelta, $"{TrainerName}: HuberDelta must be a finite number > 0 (default 1).");
            return options;
        }

        private protected override string DisplayName => TrainerName;

        private protected override bool SupportsWarmStart => true;

        /// <summary>Continues training <paramref name="initialModel"/> (same features and layers) for
        /// <see cref="MlpOptionsBase.NumberOfEpochs"/> more epochs, keeping its label scale; the history continues.</summary>
        /// <param name="trainData">Training data with the same columns as the initial model's.</param>
        /// <param name="initialModel">The model to continue from; it is not modified.</param>
        public RegressionPredictionTransformer<MlpRegressionModelParameters> Fit(IDataView trainData, MlpRegressionModelParameters initialModel)
        {
            if (initialModel == null)
                throw new ArgumentNullException(nameof(initialModel));
            if (initialModel.IsDisposed)
                throw new ObjectDisposedException(nameof(initialModel), "The initial model was disposed; warm start from a live model.");
            CheckTrainingSchema(trainData);
            return TrainTransformer(trainData, initPredictor: initialModel);
        }

        /// <summary>Reads the data once and trains the one-output network on the standardised label.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override MlpRegressionModelParameters TrainModelCore(TrainContext context)
        {
            MlpRegressionModelParameters initial = null;
            if (context.InitialPredictor != null)
                initial = context.InitialPredictor as MlpRegressionModelParameters
                    ?? throw new ArgumentException($"{TrainerName}: warm start needs an MlpRegressionModelParameters, not {context.InitialPredictor.GetType().Name}.", "initialModel");
            var (result, mean, std) = MlpRegressionTraining.Run(Host, _options, context.TrainingSet, new[] { _options.Seed ?? Host.Rand.Next() },
                context.ValidationSet, initial);
            var history = result.Histories[0];
            return new MlpRegressionModelParameters(Host, result.Members[0], initial == null ? history : initial.TrainingHistory.Concat(history), mean, std);
        }
    }
}
