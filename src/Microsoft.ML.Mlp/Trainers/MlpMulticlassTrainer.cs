using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Models;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// Trains a multilayer perceptron (TorchSharp) for multiclass classification:
    /// input → hidden blocks of Linear → BatchNorm → activation → Dropout → softmax.
    /// Create it with <see cref="MlpCatalog.Mlp(MulticlassClassificationCatalog.MulticlassClassificationTrainers, MlpMulticlassTrainer.Options)"/>.
    /// The label must be a key (use MapValueToKey); features a known-size vector of Single.
    /// </summary>
    public sealed class MlpMulticlassTrainer : MlpTrainerBase<MulticlassPredictionTransformer<MlpMulticlassModelParameters>, MlpMulticlassModelParameters, MlpMulticlassModelParameters>
    {
        internal const string LoadName = "MlpMulticlass";

        /// <summary>Options of <see cref="MlpMulticlassTrainer"/>: every field is shared through <see cref="MlpOptionsBase"/>.
        /// Options left null are chosen from the data; <see cref="KerasReference"/> gives the seed recipe.</summary>
        public sealed class Options : MlpOptionsBase
        {
            /// <summary>Creates options with the default column names (Label, Features, no weight); options left null are
            /// chosen at Fit from the data (<see cref="MlpPreset.DataAware"/>).</summary>
            public Options()
                : base(MlpPreset.DataAware)
            {
            }

            /// <summary>Creates options with the default column names, starting from <paramref name="preset"/>; set any
            /// option on top (e.g. <c>new Options(MlpPreset.KerasReference) { NumberOfEpochs = 20 }</c>).</summary>
            public Options(MlpPreset preset)
                : base(preset)
            {
            }

            /// <summary>The Keras MNIST tutorial's recipe (<see cref="MlpPreset.KerasReference"/>): the seed recipe's member.</summary>
            public static Options KerasReference() => new(MlpPreset.KerasReference);
        }

        internal MlpMulticlassTrainer(IHostEnvironment env, Options options)
            : base(env, LoadName, MulticlassTask.Instance, options)
        {
        }

        private protected override MlpMulticlassModelParameters CreateModel(IHostEnvironment env, TrainedMlp trained, LabelScale scale) =>
            new MlpMulticlassModelParameters(env, trained);
    }
}
