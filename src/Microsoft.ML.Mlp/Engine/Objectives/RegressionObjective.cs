using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// Regression: one linear output trained with <see cref="MlpRegressionLoss"/> on the standardised label (labels are the
    /// standardised values). Validation reports that loss, and the RMSE in label units and R².
    /// </summary>
    internal sealed class RegressionObjective : Objective
    {
        /// <param name="loss">The loss on the standardised label.</param>
        /// <param name="huberDelta">Where <see cref="MlpRegressionLoss.Huber"/> turns from quadratic to linear (standardised units).</param>
        /// <param name="labelScale">The label's standard deviation, so that validation RMSE is in label units.</param>
        public RegressionObjective(MlpRegressionLoss loss, float huberDelta, double labelScale)
        {
            Loss = loss;
            HuberDelta = huberDelta;
            LabelScale = labelScale;
        }

        public MlpRegressionLoss Loss { get; }

        public float HuberDelta { get; }

        public double LabelScale { get; }

        public override int OutputWidth => 1;

        public override bool HasClasses => false;

        public override (double Loss, int Correct) LossAndGradient(Span<float> outputs, int rows, ReadOnlySpan<int> batchRows, float[] labels, float[] rowWeights) =>
            (Kernels.RegressionLoss(outputs, rows, batchRows, labels, rowWeights, Loss, HuberDelta), 0);

        private protected override bool ValidatesProbabilities => false;

        private protected override ValidationMetrics NewValidationMetrics() => new ErrorMetrics(this);

        /// <summary>Mean loss, RMSE (label units) and R² over the validation rows.</summary>
        private sealed class ErrorMetrics : ValidationMetrics
        {
            private readonly RegressionObjective _objective;
            private readonly int[] _self = new int[1];
            private double _loss, _squaredError, _sum, _sumOfSquares;

            public ErrorMetrics(RegressionObjective objective) => _objective = objective;

            public override void Add(Span<float> output, float[] labels, int row)
            {
                double target = labels[row], error = output[0] - target; // before the loss kernel, which overwrites output with the gradient
                _self[0] = row;
                _loss += Kernels.RegressionLoss(output, 1, _self, labels, null, _objective.Loss, _objective.HuberDelta);
                _squaredError += error * error;
                _sum += target;
                _sumOfSquares += target * target;
            }

            public override ValidationResult Result(long rows)
            {
                // R² is scale-free, so the standardised targets give it directly; its total sum of squares is around the rows' own mean.
                double total = _sumOfSquares - _sum * _sum / rows;
                double rSquared = total > 0 ? 1 - _squaredError / total : double.NaN;
                return new ValidationResult(_loss / rows, 0, null, Math.Sqrt(_squaredError / rows) * _objective.LabelScale, rSquared);
            }
        }
    }
}
