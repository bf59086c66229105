using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Explain;
using Microsoft.ML.Trainers.Mlp.Internals;
using Microsoft.ML.Trainers.Mlp.Models;

[assembly: LoadableClass(typeof(IntegratedGradientsTransformer), null, typeof(SignatureLoadModel),
    "Integrated Gradients Transformer", IntegratedGradientsTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(IRowMapper), typeof(IntegratedGradientsTransformer), null, typeof(SignatureLoadRowMapper),
    "Integrated Gradients Transformer", IntegratedGradientsTransformer.LoaderSignature)]

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Adds per-row feature contributions of a model of this package, by integrated gradients: for each row, a vector as long
    /// as the feature column whose values sum (within the integration's error) to f(row) − f(baseline), where f is the
    /// class probability (multiclass), the Score's logit (binary Mlp), P(true) (binary ensembles) or the Score (regression).
    /// Made by <see cref="MlpExplainabilityCatalog.CalculateIntegratedGradients(TransformsCatalog, ISingleFeaturePredictionTransformer{object}, IntegratedGradientsEstimator.Options)"/>;
    /// saved and loaded with the ML.NET model zip (its model inside it).
    /// </summary>
    public sealed class IntegratedGradientsTransformer : ITransformer
    {
        internal const string LoaderSignature = "MlpIntegratedGradients";

        private readonly IHost _host;
        private readonly ExplainedModel _model;
        private readonly ExplainSettings _settings;

        internal IntegratedGradientsTransformer(IHostEnvironment env, ExplainedModel model, ExplainSettings settings)
        {
            _host = env.Register(nameof(IntegratedGradientsTransformer));
            settings.Check(model);
            _model = model;
            _settings = settings;
        }

        /// <summary>The explained model, as the prediction transformer held it (binary: ML.NET's calibrated wrapper).</summary>
        public object Model => _model.Model;

        /// <summary>The feature column read (the prediction transformer's).</summary>
        public string FeatureColumnName => _settings.FeatureColumn;

        /// <summary>The column written: a vector of Single as long as the feature column, with its slot names.</summary>
        public string OutputColumnName => _settings.OutputColumn;

        /// <summary>Midpoint-rule steps along the path from the baseline to each row.</summary>
        public int Steps => _settings.Steps;

        /// <summary>The baseline every row's path starts from: the one given, else the model's training feature means (zeros
        /// for models saved before format 4).</summary>
        public IReadOnlyList<float> Baseline => Array.AsReadOnly(_settings.Baseline ?? _model.DefaultBaseline);

        /// <summary>The class explained (0-based slot of the Score vector), or null: each row's predicted class. Always null for one-output models.</summary>
        public int? ClassIndex => _settings.ClassIndex;

        /// <summary>
        /// The contributions of many rows at once, outside a pipeline: every step of a chunk of rows goes through the network as
        /// one matrix product per layer, forward and backward, which is several times faster than row by row.
        /// </summary>
        /// <param name="features">Row-major rows of the model's feature count each.</param>
        /// <param name="rowCount">Number of rows.</param>
        /// <returns>Row-major [rowCount, feature count] contributions, as the output column holds them.</returns>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="features"/> is not <paramref name="rowCount"/> rows of the feature count.</exception>
        public float[] ExplainBatch(float[] features, int rowCount)
        {
            if (features == null)
                throw new ArgumentNullException(nameof(features));
            int width = _model.FeatureCount;
            if (rowCount < 0 || (long)rowCount * width != features.Length)
                throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount,
                    $"features holds {features.Length} values, which is not rowCount × {width} (the {_model.Name}'s feature count).");
            var attributions = new float[features.Length];
            new RowExplainer(_model, _settings).Explain(features, rowCount, attributions);
            return attributions;
        }

        /// <summary>The input schema with the contributions column added.</summary>
        /// <exception cref="InvalidOperationException">The feature column is missing, or not a vector of Single of the model's length.</exception>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => RowToRowMapperTransform.GetOutputSchema(inputSchema, MakeMapper(inputSchema));

        /// <summary>Adds the contributions column to <paramref name="input"/> (lazily, as every ML.NET transform).</summary>
        public IDataView Transform(IDataView input) => new RowToRowMapperTransform(_host, input, MakeMapper(input.Schema), MakeMapper);

        bool ITransformer.IsRowToRowMapper => true;

        IRowToRowMapper ITransformer.GetRowToRowMapper(DataViewSchema inputSchema) =>
            new RowToRowMapperTransform(_host, new EmptyDataView(_host, inputSchema), MakeMapper(inputSchema), MakeMapper);

        private IRowMapper MakeMapper(DataViewSchema schema) => new ContributionMapper(this, schema, _model, _settings);

        /// <summary>A new explainer for one cursor.</summary>
        internal RowExplainer CreateExplainer() => new(_model, _settings);

        /// <summary>The header: format version as every model of this package (the transformer exists from format 4 on).</summary>
        private static VersionInfo GetVersionInfo() =>
            ModelFormat.VersionInfo("MLPIGRAD", LoaderSignature, typeof(IntegratedGradientsTransformer));

        /// <summary>The settings as one checksummed block (docs/model-format.md), then the model in the sub-directory "Model".</summary>
        void ICanSaveModel.Save(ModelSaveContext ctx)
        {
            _model.Core.EnsureNotDisposed();
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            ModelFormat.WriteBlock(ctx.Writer, _settings.Write);
            ctx.SaveModel(_model.Model, ModelDirectory);
        }

        private const string ModelDirectory = "Model";

        /// <summary>ML.NET's loader entry point, found through the LoadableClass attribute above.</summary>
        private static IntegratedGradientsTransformer Create(IHostEnvironment env, ModelLoadContext ctx) =>
            ModelFormat.Load(env, ctx, GetVersionInfo, version => Read(env, ctx, version));

        /// <summary>The row mapper's loader (a saved IDataView that holds the transform).</summary>
        private static IRowMapper Create(IHostEnvironment env, ModelLoadContext ctx, DataViewSchema inputSchema) =>
            Create(env, ctx).MakeMapper(inputSchema);

        private static IntegratedGradientsTransformer Read(IHostEnvironment env, ModelLoadContext ctx, int version)
        {
            if (version < 4)
                throw FormatReader.Damaged($"the transformer exists from format version 4 on, but the header says version {version}");
            var settings = ExplainSettings.Read(ModelFormat.ReadPayload(ctx, version));
            ctx.LoadModel<IPredictor, SignatureLoadModel>(env, out var model, ModelDirectory);
            try
            {
                return new IntegratedGradientsTransformer(env, ExplainedModel.Of(model), settings);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
                throw FormatReader.Damaged($"the stored settings do not fit the stored model: {ex.Message}");
            }
        }
    }
}
