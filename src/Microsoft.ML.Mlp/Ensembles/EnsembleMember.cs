using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Tasks;
using Microsoft.ML.Trainers.Mlp.Models;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// One trained member of a voting or stacking ensemble, seen the same way for every task: a saved-with-the-ensemble ML.NET
    /// model and a scorer that writes its output — multiclass class probabilities, binary P(true), regression score — into
    /// <see cref="Width"/> floats. Both ensemble cores and both member sources (fused MLP copies, any ML.NET trainers) meet here.
    /// </summary>
    internal sealed class EnsembleMember
    {
        private EnsembleMember(MlpTask task, IPredictor model, int featureCount, int width)
        {
            Task = task;
            Model = model;
            FeatureCount = featureCount;
            Width = width;
        }

        /// <summary>The task the member serves.</summary>
        public MlpTask Task { get; }

        /// <summary>The member's model: what the ensemble saves and disposes.</summary>
        public IPredictor Model { get; }

        /// <summary>Length of the feature vector the member scores.</summary>
        public int FeatureCount { get; }

        /// <summary>Values the member outputs per row: the class count for multiclass, 1 otherwise.</summary>
        public int Width { get; }

        /// <summary>A fitted member from its model, checked to serve <paramref name="task"/>: the right prediction kind, a known-size
        /// Single feature vector in, and for binary a calibrated model (one that gives a probability).</summary>
        /// <param name="task">The ensemble's task.</param>
        /// <param name="model">The member's model (e.g. a prediction transformer's <c>Model</c>, or a loaded sub-model).</param>
        /// <param name="describe">The member as messages name it, e.g. "SoftVotingEnsemble: member 2 (LightGbmMulticlassTrainer)".</param>
        /// <exception cref="InvalidOperationException">The model does not serve the task; the message says what to pass instead.</exception>
        public static EnsembleMember FromModel(MlpTask task, object model, string describe)
        {
            var predictor = model as IPredictor;
            if (predictor == null || predictor.PredictionKind != task.PredictionKind)
                throw new InvalidOperationException(
                    $"{describe} is a {(predictor == null ? model?.GetType().Name ?? "null" : predictor.PredictionKind.ToString())} model, but this is a {task.Description} ensemble. "
                    + $"Pass {task.Description} trainers only, e.g. {task.ExampleTrainer}; put shared transforms (normalizers, MapValueToKey) before the ensemble.");
            if (predictor is not IValueMapper mapper || mapper.InputType is not VectorDataViewType { ItemType: NumberDataViewType, Size: > 0 } input)
                throw new InvalidOperationException(
                    $"{describe} ({model.GetType().Name}) does not map a known-size feature vector to a score, so the ensemble cannot score it. "
                    + "Use an ML.NET trainer that reads a fixed-size Single feature vector.");
            int width = task.CheckMember(predictor, mapper, describe);
            return new EnsembleMember(task, predictor, input.Size, width);
        }

        /// <summary>
        /// Fits <paramref name="estimator"/> on only the ensemble's own columns (label, features, weight), so that a member configured
        /// for other columns fails here with a message that names them, rather than quietly training on something else. The fit
        /// must give a prediction transformer reading <paramref name="featureColumn"/>.
        /// </summary>
        public static EnsembleMember Fit(IHost host, MlpTask task, IEstimator<ITransformer> estimator, string describe, IDataView data,
            string labelColumn, string featureColumn, string weightColumn)
        {
            host.CheckAlive();
            var columns = weightColumn == null ? new[] { labelColumn, featureColumn } : new[] { labelColumn, featureColumn, weightColumn };
            var ensembleColumns = ColumnSelectingTransformer.CreateKeep(host, data, columns);
            try
            {
                // Schema propagation only (nothing trains): any failure here is a member that names a column the ensemble does
                // not train on, or expects another type of it.
                estimator.GetOutputSchema(SchemaShape.Create(ensembleColumns.Schema));
            }
            catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidOperationException)
            {
                throw new InvalidOperationException(
                    $"{describe} ({estimator.GetType().Name}) cannot train on the ensemble's columns: {ex.Message} "
                    + $"Every member must use the ensemble's label column '{labelColumn}' and feature column '{featureColumn}'"
                    + (weightColumn == null ? "" : $" (and weight column '{weightColumn}')") + ": give them the same column names.", ex);
            }
            var fitted = estimator.Fit(ensembleColumns);
            if (fitted is not ISingleFeaturePredictionTransformer<object> prediction)
                throw new InvalidOperationException(
                    $"{describe} ({estimator.GetType().Name}) produced {fitted.GetType().Name}, not a prediction transformer. Pass {task.Description} trainers such as {task.ExampleTrainer}.");
            if (prediction.FeatureColumnName != featureColumn)
                throw new InvalidOperationException(
                    $"{describe} reads features from '{prediction.FeatureColumnName}' but the ensemble from '{featureColumn}'. Use one featureColumnName for all.");
            return FromModel(task, prediction.Model, describe);
        }

        /// <summary>Fits <paramref name="estimator"/> as <see cref="Fit"/> and logs how long it took.</summary>
        public static EnsembleMember FitTimed(IHost host, IChannel channel, MlpTask task, IEstimator<ITransformer> estimator, string describe,
            IDataView data, string labelColumn, string featureColumn, string weightColumn)
        {
            var clock = Stopwatch.StartNew();
            var member = Fit(host, task, estimator, describe, data, labelColumn, featureColumn, weightColumn);
            channel.Info("{0} ({1}) trained in {2:F2} s.", describe, member.Model.GetType().Name, clock.Elapsed.TotalSeconds);
            return member;
        }

        /// <summary>A scorer for one cursor (ML.NET's convention: its buffers need no locking).</summary>
        public MemberScorer CreateScorer() => Task.MemberScorer(Model);

        /// <summary>ML.NET's mapper for an ensemble with a vector output (class probabilities) of <paramref name="width"/> values.</summary>
        internal static ValueMapper<VBuffer<float>, VBuffer<float>> VectorMapper(MemberScorer scorer, int width) =>
            (in VBuffer<float> src, ref VBuffer<float> dst) =>
            {
                var editor = VBufferEditor.Create(ref dst, width);
                scorer(in src, editor.Values);
                dst = editor.Commit();
            };

        /// <summary>ML.NET's mapper for an ensemble with one output, turned into the score by <paramref name="map"/>.</summary>
        internal static ValueMapper<VBuffer<float>, float> ScalarMapper(MemberScorer scorer, Func<float, float> map) =>
            (in VBuffer<float> src, ref float dst) =>
            {
                Span<float> output = stackalloc float[1];
                scorer(in src, output);
                dst = map(output[0]);
            };

        /// <summary>Where member <paramref name="index"/> is saved inside its ensemble's model directory.</summary>
        public static string Directory(int index) => $"Member{index:D3}";

        /// <summary>Saves <paramref name="member"/> as its own sub-model of the ensemble.</summary>
        public static void Save(ModelSaveContext ctx, EnsembleMember member, int index) => ctx.SaveModel(member.Model, Directory(index));

        /// <summary>Loads member <paramref name="index"/> of an ensemble and checks that it serves <paramref name="task"/>; errors say
        /// which member of which model failed and why (a damaged file, a newer format, a trainer assembly the application lacks).</summary>
        public static EnsembleMember Load(IHostEnvironment env, ModelLoadContext ctx, int index, MlpTask task, string ensembleName) =>
            Load(env, ctx, Directory(index), $"member {index}", task, ensembleName);

        /// <summary>Loads the sub-model in <paramref name="directory"/> (e.g. a stacking ensemble's meta-model) as <see cref="Load(IHostEnvironment, ModelLoadContext, int, MlpTask, string)"/>
        /// loads a member; <paramref name="describe"/> names it in errors ("member 2", "the meta-model").</summary>
        public static EnsembleMember Load(IHostEnvironment env, ModelLoadContext ctx, string directory, string describe, MlpTask task, string ensembleName)
        {
            IPredictor model;
            try
            {
                ctx.LoadModel<IPredictor, SignatureLoadModel>(env, out model, directory);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // ML.NET wraps a member's own error in reflection exceptions: bring its message up. A data error's text is
                // all there is to know (ours stays the innermost exception); anything else keeps its stack as the inner one.
                var cause = ex.GetBaseException();
                bool dataError = cause is InvalidDataException or FormatException or NotSupportedException;
                string message = $"The {ensembleName} at '{ModelFormat.Where(ctx)}' could not load {describe} ('{directory}'): "
                    + cause.Message
                    + (cause is InvalidDataException or NotSupportedException ? ""
                        : " The model file is corrupt, or the member's trainer assembly (e.g. Microsoft.ML.LightGbm) is not referenced by this application.");
                throw cause is NotSupportedException ? new NotSupportedException(message) : new InvalidDataException(message, dataError ? null : ex);
            }
            try
            {
                return FromModel(task, model, describe);
            }
            catch (InvalidOperationException ex)
            {
                throw FormatReader.Damaged(ex.Message);
            }
        }

        /// <summary>Disposes the member's model when it holds resources (MLP members).</summary>
        public void Dispose() => (Model as IDisposable)?.Dispose();
    }
}
