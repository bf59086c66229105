using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>The data → engine path of <see cref="MlpRegressionTrainer"/>: a one-output network on the standardised label.</summary>
    internal static class MlpRegressionTraining
    {
        /// <summary>Trains one network per seed — several as one fused network, as the classifiers' ensembles do — and returns them
        /// with their histories and the label scale (mean, std) their outputs are in (one scale: the same training rows).</summary>
        public static (TrainingResult Result, double Mean, double Std) Run(
            IHost host, MlpRegressionTrainer.Options options, RoleMappedData data, int[] seeds, RoleMappedData validationData,
            MlpRegressionModelParameters initial)
        {
            MlpTraining.CheckEarlyStoppingMetric(options, "regression", MlpEarlyStoppingMetric.ValidationRmse, MlpEarlyStoppingMetric.ValidationRSquared);
            int seed = seeds[0]; // the validation split's
            using var channel = host.Start("Training");
            string trainer = MlpRegressionTrainer.TrainerName;
            int featureCount = CheckSchema(data, trainer);
            if (validationData != null && CheckSchema(validationData, trainer) != featureCount)
                throw new InvalidOperationException($"{trainer}: validation data has {validationData.Schema.Feature.Value.Type.GetVectorSize()} features but the training data {featureCount}. "
                    + "Transform both with the same fitted pipeline.");

            // In memory and dense: regression data sets are tabular (streaming and sparse storage are the classifiers' for now).
            var train = RegressionReader.Read(data, channel, trainer);
            TrainingData validation = validationData == null ? null : RegressionReader.Read(validationData, channel, trainer + " validation");
            if (validation == null && options.ValidationFraction > 0)
            {
                // Every class label is 0, so the stratified split is a plain seeded random split.
                (train, validation) = train.SplitStratified(options.ValidationFraction, seed);
                if (train.RowCount == 0 || validation.RowCount == 0)
                    throw new InvalidOperationException($"{trainer}: ValidationFraction {options.ValidationFraction} leaves {train.RowCount} training and {validation.RowCount} validation rows; use more data or another fraction.");
            }
            // Warm start keeps the initial model's scale, so its output keeps its meaning; otherwise the training rows' own.
            double mean, std;
            if (initial != null)
            {
                (mean, std) = (initial.LabelMean, initial.LabelStandardDeviation);
                RegressionReader.Apply(train.Targets, train.RowCount, mean, std);
            }
            else
            {
                (mean, std) = RegressionReader.Standardise(train.Targets, train.RowCount);
            }
            if (validation != null)
                RegressionReader.Apply(validation.Targets, validation.RowCount, mean, std);

            var architecture = new NetworkArchitecture(featureCount, options.HiddenLayerSizes, 1, options.Activation, options.UseBatchNormalization, options.DropoutRate);
            if (initial != null && !initial.Network.Architecture.SameShape(architecture))
                throw new InvalidOperationException(
                    $"{trainer}: the initial model is {initial.Network.Architecture.Describe()} but these options and data make {architecture.Describe()}. "
                    + "Warm start needs the same features, HiddenLayerSizes, Activation and UseBatchNormalization.");
            channel.Info("{0}: training {1}, {2} loss, label mean {3:G6} and standard deviation {4:G6}, {5} epochs, batch {6}, lr {7}, seed {8}.", trainer,
                architecture.Describe() + (seeds.Length == 1 ? "" : $" × {seeds.Length} members (fused)"), options.Loss, mean, std, options.NumberOfEpochs,
                options.BatchSize, options.LearningRate, string.Join(",", seeds));
            var settings = MlpTraining.Settings(host, channel, options, seeds, validation == null ? null : new InMemoryRows(validation),
                initial == null ? null : new[] { initial.Network }, initial?.TrainingHistory, architecture, options.Loss, options.HuberDelta, std);
            return (NetworkTrainer.Train(architecture, settings, new InMemoryRows(train)), mean, std);
        }

        private static int CheckSchema(RoleMappedData data, string trainer)
        {
            int features = SchemaChecks.CheckFeatures(data.Data.Schema, trainer, data.Schema.Feature.Value.Name);
            SchemaChecks.CheckSingleLabel(trainer, data.Schema.Label.Value.Name, data.Schema.Label.Value.Type);
            SchemaChecks.CheckWeight(data.Data.Schema, trainer, data.Schema.Weight?.Name);
            return features;
        }
    }
}
