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

            MlpTraining.CheckNetworkFits(trainer, options, featureCount, outputs: 1, seeds.Length);
            // Dense or sparse, in memory or streamed, as the classifiers (the rows carry their label as the target).
            var (train, validation) = TrainingSources.Open(options, data, validationData, classCount: 0, seed, channel, trainer);
            // Warm start keeps the initial model's scale, so its output keeps its meaning; otherwise the training rows' own.
            var (mean, std) = initial != null ? (initial.LabelMean, initial.LabelStandardDeviation) : train.TargetMoments();
            train.ScaleTargets(mean, std);
            validation?.ScaleTargets(mean, std);

            var architecture = new NetworkArchitecture(featureCount, options.HiddenLayerSizes, 1, options.Activation, options.UseBatchNormalization, options.DropoutRate);
            if (initial != null && !initial.Network.Architecture.SameShape(architecture))
                throw new InvalidOperationException(
                    $"{trainer}: the initial model is {initial.Network.Architecture.Describe()} but these options and data make {architecture.Describe()}. "
                    + "Warm start needs the same features, HiddenLayerSizes, Activation and UseBatchNormalization.");
            channel.Info("{0}: training {1}, {2} loss, label mean {3:G6} and standard deviation {4:G6}, {5} epochs, batch {6}, lr {7}, seed {8}.", trainer,
                architecture.Describe() + (seeds.Length == 1 ? "" : $" × {seeds.Length} members (fused)"), options.Loss, mean, std, options.NumberOfEpochs,
                options.BatchSize, options.LearningRate, string.Join(",", seeds));
            var settings = MlpTraining.Settings(host, channel, trainer, options, seeds, validation,
                initial == null ? null : new[] { initial.Network }, initial?.TrainingHistory, architecture, options.Loss, options.HuberDelta, std);
            return (NetworkTrainer.Train(architecture, settings, train), mean, std);
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
