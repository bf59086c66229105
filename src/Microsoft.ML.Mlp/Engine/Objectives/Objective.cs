using System;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// What the engine needs to know of a task: the width of the output layer, the loss a batch's outputs train on (and its
    /// gradient), how a network is scored on validation rows, and whether rows belong to classes. <see cref="TrainingData.Labels"/>
    /// holds what the objective reads: a 0-based class index (<see cref="SoftmaxObjective"/>) or a standardised value
    /// (<see cref="RegressionObjective"/>). A new kind of output (say, several regression targets) is one more subclass.
    /// </summary>
    internal abstract class Objective
    {
        /// <summary>Values the network outputs per row.</summary>
        public abstract int OutputWidth { get; }

        /// <summary>Rows belong to classes: class weighting, stratified splits and accuracy apply.</summary>
        public abstract bool HasClasses { get; }

        /// <summary>
        /// One member's batch, in place: returns Σ weight × loss and the number of rows predicted right (0 without classes), and
        /// overwrites <paramref name="outputs"/> (rows × <see cref="OutputWidth"/>) with d(mean over the batch of weight × loss)/d output.
        /// </summary>
        public abstract (double Loss, int Correct) LossAndGradient(Span<float> outputs, int rows, ReadOnlySpan<int> batchRows, float[] labels, float[] rowWeights);

        /// <summary>The network's figures on every row of <paramref name="source"/> (inference mode, managed scoring).</summary>
        public ValidationResult Evaluate(NetworkWeights network, IRowSource source)
        {
            var scorer = new InferenceNetwork(network, logits: !ValidatesProbabilities);
            var metrics = NewValidationMetrics();
            var output = new float[OutputWidth];
            long rows = 0;
            foreach (var data in source.Blocks())
            {
                for (int r = 0; r < data.RowCount; r++)
                {
                    if (data.Sparse != null)
                        scorer.PredictSparse(data.Sparse.RowIndices(r), data.Sparse.RowValues(r), output);
                    else
                        scorer.Predict(data.Features.AsSpan(r * data.FeatureCount, data.FeatureCount), output);
                    metrics.Add(output, data.Labels, r);
                }
                rows += data.RowCount;
            }
            return metrics.Result(rows);
        }

        /// <summary>True: validation reads the softmax of the outputs; false: the outputs themselves.</summary>
        private protected abstract bool ValidatesProbabilities { get; }

        /// <summary>A fresh accumulator of this objective's validation figures.</summary>
        private protected abstract ValidationMetrics NewValidationMetrics();

        /// <summary>Validation figures gathered row by row.</summary>
        private protected abstract class ValidationMetrics
        {
            /// <summary>Adds row <paramref name="row"/> whose network output is <paramref name="output"/> (which it may overwrite).</summary>
            public abstract void Add(Span<float> output, float[] labels, int row);

            /// <summary>The figures over <paramref name="rows"/> rows.</summary>
            public abstract ValidationResult Result(long rows);
        }
    }
}
