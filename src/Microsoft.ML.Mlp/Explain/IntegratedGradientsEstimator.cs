using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Explain;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// The estimator of <see cref="IntegratedGradientsTransformer"/>: it learns nothing, so fitting checks the data's schema and
    /// returns the transformer made from the trained model. Made by
    /// <see cref="MlpExplainabilityCatalog.CalculateIntegratedGradients(TransformsCatalog, ISingleFeaturePredictionTransformer{object}, Options)"/>.
    /// </summary>
    public sealed class IntegratedGradientsEstimator : IEstimator<IntegratedGradientsTransformer>
    {
        /// <summary>How contributions are integrated.</summary>
        public sealed class Options
        {
            /// <summary>Midpoint-rule steps from the baseline to each row, at least 1. More steps, closer sums: at 64 the
            /// contributions of a row sum to f(row) − f(baseline) within 1% on the models tested. Default 32.</summary>
            public int Steps = 32;

            /// <summary>The row every path starts from, one value per feature in the feature column's own units. Null
            /// (default): the mean of the training rows (<see cref="MlpModelParametersBase{TOutput}.FeatureMeans"/>; for an
            /// ensemble the mean of its Mlps'), or zeros for models saved before format 4.</summary>
            public float[] Baseline;

            /// <summary>Multiclass only: the class explained, a 0-based slot of the Score vector (class k − 1 for key value k).
            /// Null (default): each row's predicted class. Leave null for binary and regression models.</summary>
            public int? ClassIndex;

            /// <summary>The column written, a vector as long as the feature column. Default "FeatureContributions", the name
            /// ML.NET's CalculateFeatureContribution writes.</summary>
            public string OutputColumnName = DefaultColumnNames.FeatureContributions;
        }

        private readonly IntegratedGradientsTransformer _transformer;

        internal IntegratedGradientsEstimator(IHostEnvironment env, ISingleFeaturePredictionTransformer<object> predictionTransformer, Options options)
        {
            if (predictionTransformer == null)
                throw new ArgumentNullException(nameof(predictionTransformer));
            options ??= new Options();
            var settings = new ExplainSettings(predictionTransformer.FeatureColumnName, options.OutputColumnName, options.Steps,
                options.Baseline?.ToArray(), options.ClassIndex);
            _transformer = new IntegratedGradientsTransformer(env, ExplainedModel.Of(predictionTransformer.Model), settings);
        }

        /// <summary>Checks that <paramref name="input"/> has the feature column the model reads and returns the transformer.</summary>
        public IntegratedGradientsTransformer Fit(IDataView input)
        {
            if (input == null)
                throw new ArgumentNullException(nameof(input));
            _transformer.GetOutputSchema(input.Schema);
            return _transformer;
        }

        /// <summary>The input schema with the output column added: a known-size vector of Single, with the feature column's slot names.</summary>
        /// <exception cref="InvalidOperationException">The feature column is missing or not a known-size vector of Single.</exception>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            if (inputSchema == null)
                throw new ArgumentNullException(nameof(inputSchema));
            string name = _transformer.FeatureColumnName;
            if (!inputSchema.TryFindColumn(name, out var features))
                throw new InvalidOperationException($"CalculateIntegratedGradients reads the feature column '{name}', which the data does not have.");
            if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
                throw new InvalidOperationException($"The feature column '{name}' is {features.GetTypeString()}, but the model reads a known-size vector of Single.");
            var slotNames = features.Annotations.TryFindColumn(AnnotationUtils.Kinds.SlotNames, out var slots) ? new[] { slots } : Array.Empty<SchemaShape.Column>();
            var columns = inputSchema.ToDictionary(c => c.Name);
            columns[_transformer.OutputColumnName] = new SchemaShape.Column(_transformer.OutputColumnName, SchemaShape.Column.VectorKind.Vector,
                NumberDataViewType.Single, false, new SchemaShape(slotNames));
            return new SchemaShape(columns.Values);
        }
    }
}
