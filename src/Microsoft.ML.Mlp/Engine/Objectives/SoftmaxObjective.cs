using System;
using System.Numerics.Tensors;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Classification: softmax cross-entropy over one output per class; labels are 0-based class indices. Validation reports
    /// cross-entropy and accuracy, and with <see cref="ReportsAuc"/> the area under the ROC curve of class 1 (binary
    /// classification: a softmax over two logits is the sigmoid of their difference).
    /// </summary>
    internal sealed class SoftmaxObjective : Objective
    {
        /// <param name="classes">Number of classes (outputs), ≥ 2.</param>
        /// <param name="reportsAuc">Also report the validation AUC of class 1 (two classes only).</param>
        /// <param name="labelSmoothing">ε in [0, 1): training targets put 1 − ε on the label's class and ε / classes on every class.</param>
        public SoftmaxObjective(int classes, bool reportsAuc, float labelSmoothing = 0)
        {
            if (!(labelSmoothing >= 0 && labelSmoothing < 1))
                throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Label smoothing must be in [0, 1).");
            LabelSmoothing = labelSmoothing;
            if (classes < 2 || (reportsAuc && classes != 2))
                throw new ArgumentOutOfRangeException(nameof(classes), classes, "A softmax needs at least 2 classes; AUC exactly 2.");
            OutputWidth = classes;
            ReportsAuc = reportsAuc;
        }

        public override int OutputWidth { get; }

        public override bool HasClasses => true;

        /// <summary>The training targets' smoothing ε (validation reports plain cross-entropy).</summary>
        public float LabelSmoothing { get; }

        /// <summary>Validation also reports the AUC of class 1.</summary>
        public bool ReportsAuc { get; }

        public override (double Loss, int Correct) LossAndGradient(Span<float> outputs, int rows, ReadOnlySpan<int> batchRows, float[] labels, float[] rowWeights) =>
            Kernels.SoftmaxCrossEntropy(outputs, rows, OutputWidth, batchRows, labels, rowWeights, LabelSmoothing);

        private protected override bool ValidatesProbabilities => true;

        private protected override ValidationMetrics NewValidationMetrics() => new CrossEntropyMetrics(ReportsAuc);

        /// <summary>Mean cross-entropy, accuracy and optionally AUC over the validation rows.</summary>
        private sealed class CrossEntropyMetrics : ValidationMetrics
        {
            private readonly AreaUnderCurve _auc;
            private double _loss;
            private long _correct;

            public CrossEntropyMetrics(bool auc) => _auc = auc ? new AreaUnderCurve() : null;

            public override void Add(Span<float> probabilities, float[] labels, int row)
            {
                int label = (int)labels[row];
                _loss -= Math.Log(Math.Max(probabilities[label], 1e-30f));
                if (TensorPrimitives.IndexOfMax(probabilities) == label)
                    _correct++;
                _auc?.Add(probabilities[1], label == 1);
            }

            public override ValidationResult Result(long rows) => new(_loss / rows, (double)_correct / rows, _auc?.Value(), null, null);
        }
    }
}
