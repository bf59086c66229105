using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// The one fit path of the three Mlp trainers (<see cref="MlpMulticlassTrainer"/>, <see cref="MlpBinaryTrainer"/>,
    /// <see cref="MlpRegressionTrainer"/>): options checked once, warm start, validation data, and <see cref="MlpFit"/>. Each
    /// trainer adds only its options type and how a trained network becomes its model.
    /// </summary>
    /// <typeparam name="TTransformer">ML.NET's prediction transformer of the task.</typeparam>
    /// <typeparam name="TModel">What <c>Fit</c> returns inside the transformer (for binary, the network model with its exact sigmoid).</typeparam>
    /// <typeparam name="TNetworkModel">The trained network model, which warm start continues.</typeparam>
    public abstract class MlpTrainerBase<TTransformer, TModel, TNetworkModel> : TaskTrainerBase<TTransformer, TModel>, IFusedMemberTrainer
        where TTransformer : class, ISingleFeaturePredictionTransformer<TModel>
        where TModel : class
        where TNetworkModel : class
    {
        private readonly MlpOptionsBase _options;

        private protected MlpTrainerBase(IHostEnvironment env, string name, MlpTask task, MlpOptionsBase options)
            : base(env, name, task, task.MlpTrainerName, MlpOptionsBase.Checked(options).FeatureColumnName, options.LabelColumnName, options.ExampleWeightColumnName)
        {
            _options = options.CloneOptions();
            EngineWarmUp.StartForTraining(); // libtorch's load overlaps with what the caller does before Fit
        }

        private protected override bool SupportsWarmStart => true;

        /// <summary>
        /// Continues training <paramref name="initialModel"/> (same features, outputs, hidden layers, activation and batch norm) on
        /// <paramref name="trainData"/> for <see cref="MlpOptionsBase.NumberOfEpochs"/> more epochs; the history continues (and a
        /// regression model keeps its label scale). The optimizer's moments and the shuffling/dropout generators start afresh
        /// (they are not part of a saved model), so with Adam, shuffling or dropout the result differs from one uninterrupted run;
        /// with plain SGD, no shuffling and no dropout it is the same (see the tests).
        /// </summary>
        /// <param name="trainData">Training data with the same columns as the initial model's.</param>
        /// <param name="initialModel">The model to continue from (for binary, <c>transformer.Model.SubModel</c>); it is not modified.</param>
        public TTransformer Fit(IDataView trainData, TNetworkModel initialModel)
        {
            if (initialModel == null)
                throw new ArgumentNullException(nameof(initialModel));
            if (((ITrainedNetwork)initialModel).IsDisposed)
                throw new ObjectDisposedException(nameof(initialModel), "The initial model was disposed; warm start from a live model.");
            CheckTrainingSchema(trainData);
            return TrainTransformer(trainData, initPredictor: (IPredictor)initialModel);
        }

        /// <summary>Reads the data once, trains one network, and returns it as the task's model.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override TModel TrainModelCore(TrainContext context)
        {
            var initial = InitialModel(context.InitialPredictor);
            var result = MlpFit.Run(Host, Task, _options, context.TrainingSet, new[] { _options.Seed ?? Host.Rand.Next() }, context.ValidationSet, initial);
            var history = initial == null ? result.Histories[0] : initial.TrainingHistory.Concat(result.Histories[0]).ToList();
            return CreateModel(Host, result.Member(0, history), result.LabelScale);
        }

        /// <summary>The task's model of one trained network (with its history, feature scaling and settings) whose outputs are in <paramref name="scale"/>.</summary>
        private protected abstract TModel CreateModel(IHostEnvironment env, TrainedMlp trained, LabelScale scale);

        (object Model, IReadOnlyList<MlpEpochMetrics> History)[] IFusedMemberTrainer.TrainMembers(IHost host, RoleMappedData data, int[] seeds, RoleMappedData validation)
        {
            var result = MlpFit.Run(host, Task, _options, data, seeds, validation, initial: null);
            // Every member shares the one feature scaler the fused fit fitted.
            return result.Networks.Select((network, i) => ((object)CreateModel(host, result.Member(i, result.Histories[i]), result.LabelScale),
                (IReadOnlyList<MlpEpochMetrics>)result.Histories[i])).ToArray();
        }

        int? IFusedMemberTrainer.Seed => _options.Seed;

        /// <summary>The network model a warm start continues: the initial predictor itself, or the model inside its calibrator.</summary>
        private ITrainedNetwork InitialModel(IPredictor predictor)
        {
            if (predictor == null)
                return null;
            var model = predictor as TNetworkModel ?? (predictor as CalibratedModelParametersBase<TNetworkModel, PlattCalibrator>)?.SubModel
                ?? throw new ArgumentException($"{DisplayName}: warm start needs an {typeof(TNetworkModel).Name}, not {predictor.GetType().Name}.", "initialModel");
            return (ITrainedNetwork)model;
        }
    }

    /// <summary>What a fused ensemble needs of an Mlp trainer: N networks trained as one, each as the task's model.</summary>
    internal interface IFusedMemberTrainer
    {
        /// <summary>The options' seed, or null to draw one from the MLContext.</summary>
        int? Seed { get; }

        /// <summary>Trains one network per seed as one fused network and returns each as the task's model with its history.</summary>
        (object Model, IReadOnlyList<MlpEpochMetrics> History)[] TrainMembers(IHost host, RoleMappedData data, int[] seeds, RoleMappedData validation);
    }
}
