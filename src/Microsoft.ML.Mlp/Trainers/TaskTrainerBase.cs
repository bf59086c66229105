using System;
using System.ComponentModel;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Internals;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// What every trainer of this package shares, whatever its task: the task's column contract (label in, ML.NET's columns and
    /// prediction transformer out), schema errors that name the column, the type found and the fix, raised before any training
    /// starts (ML.NET's own checks would say only "not compatible"), and <c>Fit</c> with validation data. The task object
    /// supplies everything that differs by task; derived trainers supply only how they train.
    /// </summary>
    /// <typeparam name="TTransformer">ML.NET's prediction transformer of the task.</typeparam>
    /// <typeparam name="TModel">The trained model type.</typeparam>
    public abstract class TaskTrainerBase<TTransformer, TModel> : TrainerEstimatorBase<TTransformer, TModel>,
        IEstimator<TTransformer> // re-implemented so pipelines reach our Fit and its checks
        where TTransformer : class, ISingleFeaturePredictionTransformer<TModel>
        where TModel : class
    {
        private protected TaskTrainerBase(IHostEnvironment env, string name, MlpTask task, string displayName, string featureColumn, string labelColumn, string weightColumn)
            : base(MlNetBridge.RegisterTrainer(env, name), TrainerUtils.MakeR4VecFeature(featureColumn), task.LabelShape(labelColumn),
                TrainerUtils.MakeR4ScalarWeightColumn(weightColumn))
        {
            Task = task;
            DisplayName = displayName;
        }

        /// <summary>The task the trainer serves.</summary>
        private protected MlpTask Task { get; }

        /// <summary>Name used in messages and logs.</summary>
        private protected string DisplayName { get; }

        /// <summary>Whether <c>Fit(data, initialModel)</c> continues training.</summary>
        private protected abstract bool SupportsWarmStart { get; }

        /// <summary>Whether validation data drives anything (per-epoch metrics, early stopping); stacking ignores it.</summary>
        private protected virtual bool UsesValidationData => true;

        /// <summary>Trainer capabilities. Neural networks train best on normalised features (AutoML adds a normalizer);
        /// no caching is needed since the data is read once.</summary>
        public override TrainerInfo Info => new TrainerInfo(normalization: true, caching: false, supportValid: UsesValidationData, supportIncrementalTrain: SupportsWarmStart);

        /// <summary>The task's prediction kind.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override PredictionKind PredictionKind => Task.PredictionKind;

        /// <summary>The task's output columns, exactly as ML.NET's own trainers of the task declare them.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema) => Task.OutputColumns(inputSchema, LabelColumn.Name);

        /// <summary>Rejects a label of the wrong type with the conversion that fixes it.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override void CheckLabelCompatible(SchemaShape.Column labelCol) => Task.CheckLabel(DisplayName, labelCol);

        /// <summary>Wraps the model in ML.NET's prediction transformer of the task.</summary>
        [EditorBrowsable(EditorBrowsableState.Never)]
        public override TTransformer MakeTransformer(TModel model, DataViewSchema trainSchema) =>
            (TTransformer)Task.MakeTransformer(Host, model, trainSchema, FeatureColumn.Name, LabelColumn.Name);

        /// <summary>Trains on <paramref name="input"/> and returns ML.NET's prediction transformer of the task.</summary>
        /// <param name="input">Training data with the task's label and a known-size Single vector of features.</param>
        /// <exception cref="InvalidOperationException">A column has the wrong type (the message says which conversion fixes it), or no row is usable.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A column named in the options does not exist.</exception>
        public new TTransformer Fit(IDataView input)
        {
            CheckTrainingSchema(input);
            return base.Fit(input);
        }

        /// <summary>Trains on <paramref name="trainData"/>, reporting the task's metrics on all of <paramref name="validationData"/>
        /// after every epoch (and watching them for early stopping / ReduceOnPlateau; an ensemble's MLP members each by itself).</summary>
        /// <param name="trainData">Training data.</param>
        /// <param name="validationData">Validation data with the same columns (for multiclass, the same label keys) as <paramref name="trainData"/>.</param>
        public TTransformer Fit(IDataView trainData, IDataView validationData)
        {
            CheckTrainingSchema(trainData);
            if (validationData == null)
                throw new ArgumentNullException(nameof(validationData));
            CheckTrainingSchema(validationData);
            return TrainTransformer(trainData, validationData);
        }

        /// <summary>Clear messages before ML.NET's generic "column is not compatible" checks run.</summary>
        private protected void CheckTrainingSchema(IDataView data)
        {
            if (data == null)
                throw new ArgumentNullException(nameof(data));
            Task.CheckSchema(data.Schema, DisplayName, LabelColumn.Name, FeatureColumn.Name, WeightColumn.IsValid ? WeightColumn.Name : null);
        }
    }
}
