using System;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Explain
{
    /// <summary>
    /// One caller's explanations (a cursor's, or one batch call's): the model's gradient function and integrated gradients
    /// with their scratch, the baseline, and the class each row is explained toward — the chosen one, or the arg-max of the
    /// model's own Score vector (its PredictedLabel).
    /// </summary>
    internal sealed class RowExplainer
    {
        private readonly ExplainedModel _model;
        private readonly IntegratedGradients _gradients;
        private readonly float[] _baseline;
        private readonly int? _classIndex;
        private readonly ValueMapper<VBuffer<float>, VBuffer<float>> _scores;
        private readonly float[] _row;
        private int[] _targets = new int[1];
        private VBuffer<float> _scoreBuffer;

        public RowExplainer(ExplainedModel model, ExplainSettings settings)
        {
            _model = model;
            _gradients = new IntegratedGradients(model.CreateFunction(), settings.Steps);
            _baseline = settings.Baseline ?? model.DefaultBaseline;
            _classIndex = settings.ClassIndex;
            if (model.Multiclass != null && _classIndex == null)
                _scores = ((IValueMapper)model.Multiclass).GetMapper<VBuffer<float>, VBuffer<float>>();
            _row = new float[model.FeatureCount];
        }

        /// <summary>The contributions of one feature vector (dense or sparse) into <paramref name="attributions"/>.</summary>
        public void Explain(in VBuffer<float> features, Span<float> attributions)
        {
            _model.Core.EnsureNotDisposed();
            CheckLength(features.Length);
            features.CopyTo(_row);
            _targets[0] = Target(features);
            _gradients.Attribute(_row, 1, _baseline, _targets, attributions);
        }

        /// <summary>The contributions of <paramref name="rowCount"/> row-major rows, all steps of a chunk of rows at once.</summary>
        public void Explain(float[] rows, int rowCount, Span<float> attributions)
        {
            _model.Core.EnsureNotDisposed();
            if (_targets.Length < rowCount)
                _targets = new int[rowCount];
            int width = _model.FeatureCount;
            for (int r = 0; r < rowCount; r++)
            {
                if (_scores == null)
                {
                    _targets[r] = _classIndex ?? 0;
                    continue;
                }
                rows.AsSpan(r * width, width).CopyTo(_row);
                _targets[r] = Target(new VBuffer<float>(width, _row));
            }
            _gradients.Attribute(rows, rowCount, _baseline, _targets.AsSpan(0, rowCount), attributions);
        }

        private int Target(in VBuffer<float> features)
        {
            if (_scores == null)
                return _classIndex ?? 0;
            _scores(in features, ref _scoreBuffer);
            var scores = _scoreBuffer.GetValues();
            int best = 0;
            for (int c = 1; c < scores.Length; c++)
                if (scores[c] > scores[best])
                    best = c;
            return best;
        }

        /// <summary>A feature vector of another length than the model's is refused with the fix.</summary>
        public void CheckLength(int length)
        {
            if (length != _model.FeatureCount)
                throw new InvalidOperationException(
                    $"The {_model.Name} reads feature vectors of length {_model.FeatureCount}, but the row has {length} values. "
                    + "Explain data prepared by the same pipeline (same columns and transforms) as the training data.");
        }
    }
}
