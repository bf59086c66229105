using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;

namespace MnistEnsemble
{
    /// <summary>Test accuracy and log-loss of one model (a member or the whole ensemble).</summary>
    public sealed record ModelScore(string Name, double Accuracy, double LogLoss);

    /// <summary>What the test set says about the ensemble and each of its members.</summary>
    public sealed record EnsembleEvaluation(IReadOnlyList<ModelScore> Members, ModelScore Ensemble, ConfusionMatrix ConfusionMatrix, float[] ClassLabels)
    {
        /// <summary>ML.NET's evaluator clamps probabilities the same way, so member and ensemble log-losses compare.</summary>
        private const double Epsilon = 1e-15;

        public static EnsembleEvaluation Evaluate(MLContext ml, ITransformer model, MulticlassSoftVotingModelParameters ensemble, MnistSplit data)
        {
            var scored = model.Transform(data.Test);
            var metrics = ml.MulticlassClassification.Evaluate(scored);
            // Score slot k belongs to key k + 1 of the Label column; its key values say which label that is.
            VBuffer<float> keyValues = default;
            scored.Schema["Label"].GetKeyValues(ref keyValues);
            var classLabels = keyValues.DenseValues().ToArray();

            // The ML.NET pipeline scores the ensemble; its members are scored one by one through the model parameters.
            var members = Enumerable.Range(0, ensemble.Members.Count)
                .Select(m => Score($"member {m + 1}", data, classLabels, features => ensemble.PredictMemberProbabilities(m, features)))
                .ToArray();
            var whole = new ModelScore($"ensemble of {members.Length}", metrics.MicroAccuracy, metrics.LogLoss);
            return new EnsembleEvaluation(members, whole, metrics.ConfusionMatrix, classLabels);
        }

        private static ModelScore Score(string name, MnistSplit data, float[] classLabels, Func<float[], float[]> predict)
        {
            var classOf = classLabels.Select((label, index) => (label, index)).ToDictionary(p => p.label, p => p.index);
            int rows = 0, correct = 0;
            double loss = 0;
            foreach (var row in data.TestRows)
            {
                // Like ML.NET's evaluator: a test label the training set never had has no class slot and is skipped.
                if (!classOf.TryGetValue(row.Label, out int truth))
                    continue;
                var probabilities = predict(row.Features);
                int predicted = Array.IndexOf(probabilities, probabilities.Max());
                rows++;
                correct += predicted == truth ? 1 : 0;
                loss -= Math.Log(Math.Max(probabilities[truth], Epsilon));
            }
            return new ModelScore(name, rows == 0 ? 0 : (double)correct / rows, rows == 0 ? 0 : loss / rows);
        }
    }
}
