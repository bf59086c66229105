using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Data;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>The data → engine → networks path shared by <see cref="MlpTrainer"/> and the fused N-copies ensemble.</summary>
    internal static class MlpTraining
    {
        public static TrainingResult Run(IHost host, MlpTrainer.Options options, RoleMappedData data, int[] seeds)
        {
            using var channel = host.Start("Training");
            var schema = data.Data.Schema;
            var (featureCount, classCount) = SchemaChecks.CheckTrainingSchema(schema, MlpTrainer.TrainerName,
                data.Schema.Label.Value.Name, data.Schema.Feature.Value.Name, data.Schema.Weight?.Name);
            var dataset = DenseDatasetReader.Read(data, classCount, channel, MlpTrainer.TrainerName);

            var architecture = new NetworkArchitecture(featureCount, options.HiddenLayerSizes, classCount,
                options.Activation, options.UseBatchNormalization, options.DropoutRate);
            string members = seeds.Length == 1 ? "" : $" × {seeds.Length} members (fused)";
            channel.Info("{0}: training {1}{2}, {3}, {4} epochs, batch {5}, {6} lr {7}, seed {8}.", MlpTrainer.TrainerName,
                architecture.Describe(), members, options.Activation, options.NumberOfEpochs, options.BatchSize, options.Optimizer,
                options.LearningRate, string.Join(",", seeds));

            var settings = new TrainingSettings
            {
                WeightInitialization = options.WeightInitialization,
                Optimizer = options.Optimizer,
                LearningRate = options.LearningRate,
                WeightDecay = options.WeightDecay,
                Momentum = options.Momentum,
                Nesterov = options.Nesterov,
                BatchSize = options.BatchSize,
                Epochs = options.NumberOfEpochs,
                Shuffle = options.Shuffle,
                Seeds = seeds,
                Threads = options.NumberOfThreads ?? 1,
                CancellationToken = options.CancellationToken,
                CheckAlive = host.CheckAlive,
                OnEpoch = (member, metrics) =>
                {
                    channel.Info("{0}{1}: {2}", MlpTrainer.TrainerName, seeds.Length == 1 ? "" : $" member {member}", metrics);
                    options.EpochCallback?.Invoke(metrics);
                },
            };
            return NetworkTrainer.Train(architecture, settings, dataset);
        }
    }
}
