using System;
using System.IO;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>The data both sides use: MNIST-format IDX files, and the seed model's trainer options.</summary>
    public static class Datasets
    {
        /// <summary>Train and test views of an IDX folder laid out like the MNIST/Fashion-MNIST downloads.</summary>
        public static (IDataView Train, IDataView Test) LoadIdxFolder(MLContext ml, string folder)
        {
            string File(string name)
            {
                string path = Path.Combine(folder, name);
                if (!System.IO.File.Exists(path))
                    throw new FileNotFoundException(
                        $"{path} not found. Install Fashion-MNIST with `apt-get install -y dataset-fashion-mnist` or pass --data DIR.", path);
                return path;
            }
            return (ml.Data.LoadFromMnistIdx(File("train-images-idx3-ubyte.gz"), File("train-labels-idx1-ubyte.gz")),
                    ml.Data.LoadFromMnistIdx(File("t10k-images-idx3-ubyte.gz"), File("t10k-labels-idx1-ubyte.gz")));
        }

        /// <summary>The 10,000 committed digits (copied next to the program), for the micro-benchmarks.</summary>
        public static IDataView LoadDigits(MLContext ml)
        {
            string dir = Path.Combine(AppContext.BaseDirectory, "data");
            return ml.Data.LoadFromMnistIdx(Path.Combine(dir, "digits-images-idx3-ubyte.gz"), Path.Combine(dir, "digits-labels-idx1-ubyte.gz"));
        }

        /// <summary>--managed-products: every mode trains the seed recipe with <see cref="MlpOptionsBase.ManagedMatrixProducts"/>.</summary>
        public static bool ManagedProducts { get; set; }

        /// <summary>The seed recipe: 784→50→50→50→50→10, BN, ReLU, dropout 0.2, Adam 1e-3, batch 32, on 1 thread.</summary>
        public static MlpMulticlassTrainer.Options SeedOptions(int epochs, int seed = 0) => new MlpMulticlassTrainer.Options(MlpPreset.KerasReference)
        {
            ManagedMatrixProducts = ManagedProducts,
            HiddenLayerSizes = new[] { 50, 50, 50, 50 },
            NumberOfEpochs = epochs,
            BatchSize = 32,
            LearningRate = 0.001f,
            Seed = seed,
            NumberOfThreads = 1,
        };

    }

    /// <summary>PredictionEngine output: the class probabilities.</summary>
    public sealed class ScoreRow
    {
        public float[] Score;
    }
}
