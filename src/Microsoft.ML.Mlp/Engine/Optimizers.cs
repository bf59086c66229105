using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>Builds the torch optimizer for <see cref="MlpOptimizer"/> with Keras' defaults where they differ from torch's.</summary>
    internal static class Optimizers
    {
        /// <summary>Keras' Adam/RMSprop epsilon (torch's default is 1e-8).</summary>
        public const double KerasEpsilon = 1e-7;

        /// <summary>Keras' RMSprop rho (torch's alpha defaults to 0.99).</summary>
        public const double KerasRmsPropRho = 0.9;

        public static optim.Optimizer Create(TrainingSettings settings, IEnumerable<Parameter> parameters) => settings.Optimizer switch
        {
            MlpOptimizer.Adam => optim.Adam(parameters, settings.LearningRate, eps: KerasEpsilon, weight_decay: settings.WeightDecay),
            MlpOptimizer.AdamW => optim.AdamW(parameters, settings.LearningRate, eps: KerasEpsilon, weight_decay: settings.WeightDecay),
            MlpOptimizer.Sgd => optim.SGD(parameters, settings.LearningRate, settings.Momentum, weight_decay: settings.WeightDecay, nesterov: settings.Nesterov),
            MlpOptimizer.RmsProp => optim.RMSProp(parameters, settings.LearningRate, KerasRmsPropRho, KerasEpsilon, settings.WeightDecay, settings.Momentum),
            _ => throw new System.ArgumentOutOfRangeException(nameof(settings), settings.Optimizer, "Unknown optimizer."),
        };
    }
}
