using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// What every trainer of this package shares, whatever its task: schema errors that name the column, the type found and the
    /// fix, raised before any training starts (ML.NET's own checks would say only "not compatible"), and <c>Fit</c> with
    /// validation data. <see cref="MulticlassTrainerBase{TModel}"/>, <see cref="BinaryTrainerBase{TModel}"/> and
    /// <see cref="RegressionTrainerBase{TModel}"/> add each task's columns.
    /// </summary>
    /// <typeparam name="TTransformer">ML.NET's prediction transformer of the task.</typeparam>
    /// <typeparam name="TModel">The trained model type.</typeparam>
    public abstract class TaskTrainerBase<TTransformer, TModel> : TrainerEstimatorBase<TTransformer, TModel>,
        IEstimator<TTransformer> // re-implemented so pipelines reach our Fit and its checks
        where TTransformer : ISingleFeaturePredictionTransformer<TModel>
        where TModel : class
    {
        private protected TaskTrainerBase(IHostEnvironment env, string name, SchemaShape.Column feature, SchemaShape.Column label, SchemaShape.Column weight)
            : base(MlNetBridge.RegisterTrainer(env, name), feature, label, weight)
        {
        }

        /// <summary>Name used in messages and logs.</summary>
        private protected abstract string DisplayName { get; }

        /// <summary>Whether <c>Fit(data, initialModel)</c> continues training.</summary>
        private protected abstract bool SupportsWarmStart { get; }

        /// <summary>Whether validation data drives anything (per-epoch metrics, early stopping); stacking ignores it.</summary>
        private protected virtual bool UsesValidationData => true;

        /// <summary>Trainer capabilities. Neural networks train best on normalised features (AutoML adds a normalizer);
        /// no caching is needed since the data is read once.</summary>
        public override TrainerInfo Info => new TrainerInfo(normalization: true, caching: false, supportValid: UsesValidationData, supportIncrementalTrain: SupportsWarmStart);

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
            CheckTaskSchema(data.Schema, WeightColumn.IsValid ? WeightColumn.Name : null);
        }

        /// <summary>The task's checks of label, features and weight on a concrete schema.</summary>
        private protected abstract void CheckTaskSchema(DataViewSchema schema, string weightColumn);
    }
}
