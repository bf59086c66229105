using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;

namespace TextClassification
{
    /// <summary>Test figures of one model (a member or the whole ensemble).</summary>
    public sealed record ModelScore(string Name, double Accuracy, double MacroAccuracy, double LogLoss);

    /// <summary>What the test documents say about the ensemble, each member, and always guessing the largest class.</summary>
    public sealed record TextEvaluation(IReadOnlyList<ModelScore> Members, ModelScore Ensemble, double MajorityClassAccuracy,
        ConfusionMatrix ConfusionMatrix, string[] ClassNames)
    {
        /// <summary>ML.NET's evaluator clamps probabilities the same way, so member and ensemble log-losses compare.</summary>
        private const double Epsilon = 1e-15;

        /// <param name="featurizer">The fitted transforms before the ensemble (label key + FeaturizeText).</param>
        public static TextEvaluation Evaluate(MLContext ml, ITransformer model, ITransformer featurizer, MulticlassSoftVotingModelParameters ensemble,
            IReadOnlyList<string> memberNames, IDataView test)
        {
            var scored = model.Transform(test);
            var metrics = ml.MulticlassClassification.Evaluate(scored);
            VBuffer<ReadOnlyMemory<char>> keyValues = default;
            scored.Schema["Label"].GetKeyValues(ref keyValues);
            var classNames = keyValues.DenseValues().Select(v => v.ToString()).ToArray();

            // The members are scored one by one on the featurized test documents, through the ensemble's model parameters.
            var featurized = featurizer.Transform(test);
            var labels = featurized.GetColumn<uint>("Label").ToArray();
            var features = featurized.GetColumn<VBuffer<float>>("Features").Select(v => v.DenseValues().ToArray()).ToArray();
            var members = Enumerable.Range(0, ensemble.Members.Count)
                .Select(m => Score(memberNames[m], labels, features, classNames.Length, f => ensemble.PredictMemberProbabilities(m, f)))
                .ToArray();
            double majority = labels.Length == 0 ? 0 : labels.GroupBy(l => l).Max(g => g.Count()) / (double)labels.Length;
            var whole = new ModelScore("soft-voting ensemble", metrics.MicroAccuracy, metrics.MacroAccuracy, metrics.LogLoss);
            return new TextEvaluation(members, whole, majority, metrics.ConfusionMatrix, classNames);
        }

        private static ModelScore Score(string name, uint[] keys, float[][] features, int classes, Func<float[], float[]> predict)
        {
            var correct = new int[classes];
            var total = new int[classes];
            double loss = 0;
            int rows = 0;
            for (int r = 0; r < keys.Length; r++)
            {
                // Key 0 is a label the training documents never had: no class slot, skipped as ML.NET's evaluator does.
                if (keys[r] == 0)
                    continue;
                int truth = (int)keys[r] - 1;
                var probabilities = predict(features[r]);
                int predicted = Array.IndexOf(probabilities, probabilities.Max());
                rows++;
                total[truth]++;
                correct[truth] += predicted == truth ? 1 : 0;
                loss -= Math.Log(Math.Max(probabilities[truth], Epsilon));
            }
            double macro = Enumerable.Range(0, classes).Where(c => total[c] > 0).Select(c => correct[c] / (double)total[c]).DefaultIfEmpty(0).Average();
            return new ModelScore(name, rows == 0 ? 0 : correct.Sum() / (double)rows, macro, rows == 0 ? 0 : loss / rows);
        }
    }
}
