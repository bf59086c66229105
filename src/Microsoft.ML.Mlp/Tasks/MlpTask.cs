using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Tasks
{
    /// <summary>
    /// Everything that differs between the supervised tasks this package serves — <see cref="MulticlassTask"/>,
    /// <see cref="BinaryTask"/>, <see cref="RegressionTask"/> — in one object that every layer above the engine takes: the label
    /// column (its type, its checks and how rows read it), the ML.NET columns and prediction transformer, the engine's objective
    /// (output width, loss, validation metrics) and the early-stopping metrics it allows, the label scale, and what an ensemble
    /// needs of its members (output width, scorer, strata, ONNX output and head). No other code asks which task it serves.
    /// </summary>
    internal abstract class MlpTask
    {
        /// <summary>ML.NET's prediction kind of the task's trainers and models.</summary>
        public abstract PredictionKind PredictionKind { get; }

        /// <summary>The task as messages name it, e.g. "binary classification".</summary>
        public abstract string Description { get; }

        /// <summary>An ML.NET trainer of the task, as messages suggest it.</summary>
        public abstract string ExampleTrainer { get; }

        /// <summary>The Mlp trainer of the task as messages and logs name it, e.g. "Mlp (binary)".</summary>
        public abstract string MlpTrainerName { get; }

        /// <summary>The task's number in model files (a stacking ensemble's payload): never change it.</summary>
        public abstract int FormatCode { get; }

        /// <summary>Rows belong to classes: validation splits and stacking folds are stratified by the label.</summary>
        public abstract bool HasClasses { get; }

        /// <summary>The early-stopping metrics the task computes besides <see cref="MlpEarlyStoppingMetric.ValidationLoss"/>.</summary>
        private protected abstract MlpEarlyStoppingMetric[] TaskMetrics { get; }

        // ---- The label column ----

        /// <summary>The label column a trainer of the task declares to ML.NET's schema propagation.</summary>
        public abstract SchemaShape.Column LabelShape(string labelColumn);

        /// <summary>Checks the label an estimator will see (GetOutputSchema); the message names the conversion that fixes it.</summary>
        /// <exception cref="InvalidOperationException">The label has the wrong type.</exception>
        public abstract void CheckLabel(string trainer, SchemaShape.Column label);

        /// <summary>Checks the label of concrete data and returns the network's output width it implies.</summary>
        /// <exception cref="InvalidOperationException">The label has the wrong type, or too few classes.</exception>
        public abstract int CheckLabel(string trainer, string labelColumn, DataViewType type);

        /// <summary>Opens a training cursor that reads the label as the engine stores it (class index or value); with
        /// <paramref name="oneCursor"/>, on this thread alone where the view allows it (<see cref="Data.DatasetReader.OnOneCursor"/>).</summary>
        public abstract LabelCursor OpenCursor(RoleMappedData data, CursOpt options, int outputWidth, bool oneCursor);

        /// <summary>How a validation mismatch names the outputs, e.g. " and 3 label classes"; empty when the label fixes nothing.</summary>
        public abstract string DescribeOutputs(int outputWidth);

        // ---- ML.NET's columns ----

        /// <summary>The columns the task's scorer adds, as ML.NET's own trainers of the task declare them.</summary>
        public abstract SchemaShape.Column[] OutputColumns(SchemaShape inputSchema, string labelColumn);

        /// <summary>ML.NET's prediction transformer of the task around <paramref name="model"/>.</summary>
        public abstract ISingleFeaturePredictionTransformer<TModel> MakeTransformer<TModel>(IHostEnvironment env, TModel model, DataViewSchema trainSchema,
            string featureColumn, string labelColumn) where TModel : class;

        // ---- Training ----

        /// <summary>The engine's objective for a network of <paramref name="outputWidth"/> outputs trained on labels scaled by <paramref name="scale"/>.</summary>
        public abstract Objective Objective(int outputWidth, LabelScale scale, float labelSmoothing);

        /// <summary>
        /// The label scale the networks train under, applied to both sources: classification labels are class indices and stay as
        /// they are; regression standardises with the training rows' moments, or keeps <paramref name="initial"/> (a warm start's).
        /// </summary>
        public virtual LabelScale ScaleLabels(IRowSource train, IRowSource validation, LabelScale? initial) => LabelScale.Identity;

        /// <summary>The numeric embedding the data-aware defaults choose for this task's dense rows (Trainers/DataAwareDefaults):
        /// none unless the task says otherwise.</summary>
        public virtual MlpNumericEmbedding DefaultNumericEmbedding => MlpNumericEmbedding.None;

        /// <summary>A log line for one epoch's metrics.</summary>
        public virtual string EpochSummary(MlpEpochMetrics metrics) => metrics.ToString();

        /// <summary>Rejects an early-stopping metric the task does not compute; the message lists those it does.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The metric is not computed for this task.</exception>
        public void CheckEarlyStoppingMetric(MlpEarlyStoppingMetric metric)
        {
            if (metric != MlpEarlyStoppingMetric.ValidationLoss && Array.IndexOf(TaskMetrics, metric) < 0)
                throw new ArgumentOutOfRangeException("EarlyStoppingMetric", metric,
                    $"EarlyStoppingMetric {metric} is not computed for {Description}; use ValidationLoss or {string.Join(" or ", TaskMetrics)}.");
        }

        // ---- Ensemble members ----

        /// <summary>
        /// The number of values a member model of the task outputs (class probabilities, P(true), a score), after checking that it
        /// gives them: e.g. a binary member must be calibrated.
        /// </summary>
        /// <exception cref="InvalidOperationException">The model does not give the task's output; the message says what to use.</exception>
        public abstract int CheckMember(IPredictor model, IValueMapper mapper, string describe);

        /// <summary>What a member of the task outputs per row when the network has <paramref name="outputWidth"/> outputs
        /// (<see cref="CheckLabel(string, string, DataViewType)"/>): the class probabilities for multiclass, one value otherwise.</summary>
        public virtual int MemberWidth(int outputWidth) => 1;

        /// <summary>Whether a member or stored ensemble of the task may output <paramref name="width"/> values per row.</summary>
        public abstract bool IsMemberWidth(int width);

        /// <summary>A scorer that writes what a member of the task contributes to an ensemble, for one cursor.</summary>
        public abstract MemberScorer MemberScorer(IPredictor model);

        /// <summary>One stratum per row read from <paramref name="cursor"/> (stacking folds); every row 0 when the task has no classes.</summary>
        public virtual Func<long> StratumReader(DataViewRowCursor cursor, DataViewSchema.Column label) => () => 0;

        /// <summary>The label columns a stratum reader needs: the label for classification, none for regression.</summary>
        public DataViewSchema.Column[] StratumColumns(DataViewSchema.Column label) => HasClasses ? new[] { label } : Array.Empty<DataViewSchema.Column>();

        /// <summary>The columns a member's ONNX export writes, in ML.NET's order for the task.</summary>
        public abstract string[] OnnxMemberColumns { get; }

        /// <summary>Which of <see cref="OnnxMemberColumns"/> holds what the member contributes to an ensemble.</summary>
        public abstract int OnnxMemberOutput { get; }

        /// <summary>An ensemble's own ONNX outputs (<paramref name="outputNames"/>, as the task's scorer names them) from the combined member outputs.</summary>
        public abstract void WriteOnnxHead(OnnxContext ctx, string combined, string[] outputNames);

        // ---- Shared checks ----

        /// <summary>Checks label, features and weight of concrete data; returns the feature count and the network's output width.</summary>
        public (int FeatureCount, int OutputWidth) CheckSchema(DataViewSchema schema, string trainer, string labelColumn, string featureColumn, string weightColumn)
        {
            int featureCount = SchemaChecks.CheckFeatures(schema, trainer, featureColumn);
            int width = CheckLabel(trainer, labelColumn, SchemaChecks.Find(schema, trainer, labelColumn, "label", "LabelColumnName").Type);
            SchemaChecks.CheckWeight(schema, trainer, weightColumn);
            return (featureCount, width);
        }

        /// <summary>
        /// Refuses, when an ensemble is created, a member or meta trainer that is not one trainer of this task: a pipeline (its
        /// transforms would be lost inside the ensemble's model) or another task's trainer (ML.NET would otherwise fail on the
        /// label type, after the other members trained).
        /// </summary>
        /// <param name="estimator">The member or meta trainer.</param>
        /// <param name="describe">How messages name it, e.g. "StackingEnsemble: member 2".</param>
        /// <param name="parameter">The argument it came in ("members", "metaTrainer").</param>
        /// <param name="ensemble">The kind of ensemble, e.g. "stacking ensemble".</param>
        /// <param name="advice">The end of the message's advice.</param>
        /// <exception cref="ArgumentException">Not one trainer of the task; the message says what to pass.</exception>
        public void CheckTrainer(IEstimator<ITransformer> estimator, string describe, string parameter, string ensemble = "ensemble", string advice = ".")
        {
            if (estimator is not ITrainer trainer)
                throw new ArgumentException(
                    $"{describe} ({estimator.GetType().Name}) is not a trainer. Pass {Description} trainers such as {ExampleTrainer}; put shared transforms "
                    + "(normalizers, MapValueToKey) before the ensemble, in the pipeline, so that every member reads their output.", parameter);
            if (trainer.PredictionKind != PredictionKind)
                throw new ArgumentException(
                    $"{describe} ({estimator.GetType().Name}) is a {trainer.PredictionKind} trainer, but this is a {Description} {ensemble}. "
                    + $"Pass {Description} trainers only, e.g. {ExampleTrainer}{advice}", parameter);
        }
    }

    /// <summary>Scores one feature vector into a member's output span.</summary>
    internal delegate void MemberScorer(in VBuffer<float> features, Span<float> output);
}
