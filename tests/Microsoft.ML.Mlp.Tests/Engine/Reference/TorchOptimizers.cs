using System.Collections.Generic;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine.Reference
{
    /// <summary>Builds torch's own optimizer for <see cref="MlpOptimizer"/> with Keras' defaults where they differ from torch's.</summary>
    internal static class TorchOptimizers
    {
        public static optim.Optimizer Create(TrainingSettings settings, IEnumerable<Parameter> parameters) => settings.Optimizer switch
        {
            MlpOptimizer.Adam => optim.Adam(parameters, settings.LearningRate, eps: KerasDefaults.Epsilon, weight_decay: settings.WeightDecay),
            MlpOptimizer.AdamW => optim.AdamW(parameters, settings.LearningRate, eps: KerasDefaults.Epsilon, weight_decay: settings.WeightDecay),
            MlpOptimizer.Sgd => optim.SGD(parameters, settings.LearningRate, settings.Momentum, weight_decay: settings.WeightDecay, nesterov: settings.Nesterov),
            MlpOptimizer.RmsProp => optim.RMSProp(parameters, settings.LearningRate, KerasDefaults.RmsPropRho, KerasDefaults.Epsilon, settings.WeightDecay, settings.Momentum),
            _ => throw new System.ArgumentOutOfRangeException(nameof(settings), settings.Optimizer, "Unknown optimizer."),
        };
    }
}
