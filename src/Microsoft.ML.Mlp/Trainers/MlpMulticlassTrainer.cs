using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
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
        /// Defaults reproduce the Keras reference recipe's blocks.</summary>
        public sealed class Options : MlpOptionsBase
        {
            /// <summary>Creates options with the default column names (Label, Features, no weight).</summary>
            public Options()
            {
            }
        }

        internal MlpMulticlassTrainer(IHostEnvironment env, Options options)
            : base(env, LoadName, MulticlassTask.Instance, options)
        {
        }

        private protected override MlpMulticlassModelParameters CreateModel(IHostEnvironment env, NetworkWeights network, IEnumerable<MlpEpochMetrics> history, LabelScale scale) =>
            new MlpMulticlassModelParameters(env, network, history);
    }
}
