using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Trainers.Mlp.Explain
{
    /// <summary>
    /// ML.NET's row mapper of an <see cref="IntegratedGradientsTransformer"/> for one input schema: checks the feature column
    /// (a vector of Single of the model's length), declares the output column (the same length, the feature column's slot
    /// names), and gives each cursor a getter with its own <see cref="RowExplainer"/>.
    /// </summary>
    internal sealed class ContributionMapper : IRowMapper
    {
        private readonly IntegratedGradientsTransformer _parent;
        private readonly DataViewSchema.Column _features;
        private readonly ExplainSettings _settings;
        private readonly int _width;

        public ContributionMapper(IntegratedGradientsTransformer parent, DataViewSchema schema, ExplainedModel model, ExplainSettings settings)
        {
            _parent = parent;
            _settings = settings;
            _width = model.FeatureCount;
            var column = schema.GetColumnOrNull(settings.FeatureColumn)
                ?? throw new InvalidOperationException(
                    $"CalculateIntegratedGradients reads the feature column '{settings.FeatureColumn}', which the data does not have. "
                    + "Apply the same transforms as before the model (the explanation reads what the model reads).");
            if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType n } vector || n != NumberDataViewType.Single || vector.Size != _width)
                throw new InvalidOperationException(
                    $"The feature column '{settings.FeatureColumn}' is {column.Type}, but the {model.Name} reads a vector of {_width} Single values. "
                    + "Explain data prepared by the same pipeline (same columns and transforms) as the training data.");
            _features = column;
        }

        public DataViewSchema.DetachedColumn[] GetOutputColumns()
        {
            var annotations = new DataViewSchema.Annotations.Builder();
            annotations.Add(_features.Annotations, name => name == AnnotationUtils.Kinds.SlotNames);
            return new[] { new DataViewSchema.DetachedColumn(_settings.OutputColumn, new VectorDataViewType(NumberDataViewType.Single, _width), annotations.ToAnnotations()) };
        }

        public Func<int, bool> GetDependencies(Func<int, bool> activeOutput) => column => activeOutput(0) && column == _features.Index;

        public Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput, out Action disposer)
        {
            disposer = null;
            if (!activeOutput(0))
                return new Delegate[1];
            var features = input.GetGetter<VBuffer<float>>(_features);
            var explainer = _parent.CreateExplainer();
            var row = default(VBuffer<float>);
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                features(ref row);
                var editor = VBufferEditor.Create(ref value, _width);
                explainer.Explain(row, editor.Values);
                value = editor.Commit();
            };
            return new Delegate[] { getter };
        }

        public ITransformer GetTransformer() => _parent;

        void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)_parent).Save(ctx);
    }
}
