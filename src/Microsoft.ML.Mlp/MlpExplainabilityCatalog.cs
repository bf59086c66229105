using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML
{
    /// <summary>
    /// Per-row explanations of the models of Microsoft.ML.Mlp on <c>mlContext.Transforms</c>, beside ML.NET's own
    /// <c>CalculateFeatureContribution</c> (which also works for the binary and regression Mlp).
    /// </summary>
    public static class MlpExplainabilityCatalog
    {
        /// <summary>
        /// Creates an <see cref="IntegratedGradientsEstimator"/>: for each row, the contribution of every feature to the model's
        /// output by integrated gradients (Sundararajan et al., 2017), a vector as long as the feature column that sums to
        /// f(row) − f(baseline) up to the integration's error. f is, by model: multiclass Mlp and ensembles — the probability
        /// of the row's predicted class (or <paramref name="classIndex"/>); binary Mlp — the Score, a logit, as
        /// CalculateFeatureContribution explains linear models; binary ensembles — P(true), the average they vote; regression —
        /// the Score, in label units. Voting ensembles get the weighted mean of their members' contributions (exact by
        /// linearity); stacking ensembles are explained through their meta-model (members' gradients times the meta-model's).
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="predictionTransformer">A fitted model of this package (the prediction transformer a trainer's Fit returns).</param>
        /// <param name="steps">Midpoint-rule steps, at least 1; 64 keeps completeness within 1%.</param>
        /// <param name="baseline">One value per feature, or null for the mean of the training rows (zeros for models saved before format 4).</param>
        /// <param name="classIndex">Multiclass: the class explained (0-based slot of the Score vector), or null for each row's predicted class.</param>
        /// <param name="outputColumnName">The column written.</param>
        /// <exception cref="System.InvalidOperationException">The model is not one of this package, or an ensemble part has no gradient (e.g. a tree model).</exception>
        /// <exception cref="System.ArgumentOutOfRangeException">Steps below 1, a baseline of another length than the features, or a class out of range.</exception>
        /// <example><code>
        /// var model = ml.MulticlassClassification.Trainers.Mlp(numberOfEpochs: 20).Fit(train);
        /// var explained = ml.Transforms.CalculateIntegratedGradients(model).Fit(test).Transform(model.Transform(test));
        /// var contributions = explained.GetColumn&lt;float[]&gt;("FeatureContributions");
        /// </code></example>
        public static IntegratedGradientsEstimator CalculateIntegratedGradients(this TransformsCatalog catalog,
            ISingleFeaturePredictionTransformer<object> predictionTransformer, int steps = 32, float[] baseline = null, int? classIndex = null,
            string outputColumnName = DefaultColumnNames.FeatureContributions) =>
            CalculateIntegratedGradients(catalog, predictionTransformer, new IntegratedGradientsEstimator.Options
            {
                Steps = steps,
                Baseline = baseline,
                ClassIndex = classIndex,
                OutputColumnName = outputColumnName,
            });

        /// <summary>Creates an <see cref="IntegratedGradientsEstimator"/> with every option (see the simple overload for what is explained).</summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="predictionTransformer">A fitted model of this package.</param>
        /// <param name="options">Steps, baseline, class and output column; see <see cref="IntegratedGradientsEstimator.Options"/>.</param>
        public static IntegratedGradientsEstimator CalculateIntegratedGradients(this TransformsCatalog catalog,
            ISingleFeaturePredictionTransformer<object> predictionTransformer, IntegratedGradientsEstimator.Options options) =>
            new(MlNetBridge.GetEnvironment(catalog), predictionTransformer, options);
    }
}
