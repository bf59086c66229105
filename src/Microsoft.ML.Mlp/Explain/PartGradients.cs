using System;
using System.Linq;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Explain
{
    /// <summary>
    /// The gradient function of one part of an ensemble — a member, or a stacking ensemble's meta-model — in the units the
    /// ensemble combines it in (<see cref="EnsembleMember"/>): class probabilities or the Score vector (multiclass), P(true)
    /// through the part's Platt calibrator (binary), the Score (regression). This package's Mlps give theirs; ML.NET's linear
    /// models are differentiated exactly from their public weights (LbfgsMaximumEntropy, SdcaMaximumEntropy, the linear
    /// multiclass models, LbfgsLogisticRegression, SdcaLogisticRegression, Sdca, Ols, OnlineGradientDescent, LbfgsPoissonRegression).
    /// Anything else (trees, other calibrators) has no useful gradient: a clear error names it.
    /// </summary>
    internal static class PartGradients
    {
        /// <summary>A new gradient function of <paramref name="model"/> (one per caller).</summary>
        /// <param name="model">The part's model, as the ensemble holds it.</param>
        /// <param name="describe">How errors name it, e.g. "member 2 of the MulticlassSoftVotingModelParameters".</param>
        /// <exception cref="InvalidOperationException">The part has no gradient; the message names it and what to use.</exception>
        public static Differentiable Of(object model, string describe) => model switch
        {
            MlpMulticlassModelParameters mlp => mlp.CreateExplainedFunction(),
            MlpRegressionModelParameters mlp => mlp.CreateExplainedFunction(),
            CalibratedModelParametersBase { Calibrator: PlattCalibrator platt } calibrated =>
                new Chain(Score(calibrated.SubModel, describe), new PlattHead(platt.Slope, platt.Offset)),
            MaximumEntropyModelParameters entropy => Softmax(Affine(entropy)),
            LinearMulticlassModelParameters linear => Affine(linear),
            PoissonRegressionModelParameters poisson => new Chain(Affine(poisson), new ExpHead()),
            LinearRegressionModelParameters linear => Affine(linear),
            _ => throw Unsupported(model, describe),
        };

        private static Differentiable Score(object model, string describe) => model switch
        {
            MlpBinaryModelParameters mlp => mlp.CreateExplainedFunction(),
            LinearBinaryModelParameters linear => Affine(linear),
            _ => throw Unsupported(model, describe),
        };

        /// <summary>score = w · x + b of an ML.NET linear binary or regression model.</summary>
        private static DenseStackFunction Affine(LinearModelParameters linear) =>
            new(DenseStack.Affine(linear.Weights.ToArray(), new[] { linear.Bias }, linear.Weights.Count));

        /// <summary>scores = W · x + b of an ML.NET linear multiclass model (before its softmax, if it has one).</summary>
        private static DenseStackFunction Affine(LinearMulticlassModelParametersBase linear)
        {
            VBuffer<float>[] weights = null;
            linear.GetWeights(ref weights, out int classes);
            var biases = linear.GetBiases().ToArray();
            int features = weights[0].Length;
            var inOut = new float[features * classes]; // [in, out]: class c's weight of feature i at i · classes + c
            for (int c = 0; c < classes; c++)
            {
                int i = 0;
                foreach (float w in weights[c].DenseValues())
                    inOut[i++ * classes + c] = w;
            }
            return new(DenseStack.Affine(inOut, biases, features));
        }

        private static Chain Softmax(DenseStackFunction scores) => new(scores, new SoftmaxHead(scores.OutputSize));

        private static InvalidOperationException Unsupported(object model, string describe) => new(
            $"{describe} is a {model?.GetType().Name ?? "null"}, which has no gradient, so its contributions cannot be integrated. "
            + "Integrated gradients explain this package's Mlps and ML.NET's linear models (LbfgsMaximumEntropy, LbfgsLogisticRegression, Sdca, …, "
            + "binary ones calibrated with Platt's sigmoid); trees and other calibrators are piecewise constant. Explain an ensemble of such parts "
            + "only, or use mlContext.Transforms.CalculateFeatureContribution on that model alone where ML.NET supports it.");
    }
}
