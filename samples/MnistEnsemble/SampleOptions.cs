using System;
using System.Globalization;
using System.Linq;
using Microsoft.ML.Trainers.Mlp;
using Spectre.Console;

namespace MnistEnsemble
{
    /// <summary>What to train on, how long, and where the outputs go. Defaults reproduce the seed recipe on the committed digits.</summary>
    public sealed record SampleOptions
    {
        /// <summary>Chosen so the default run finishes in a few minutes on a 2-core machine (see samples/README.md).</summary>
        public const int DefaultEpochs = 30;

        /// <summary>Folder with MNIST-format IDX files (train-* and t10k-*); null = the 10,000 digits committed in data/mnist-digits.</summary>
        public string DataDirectory { get; init; }

        public int Epochs { get; init; } = DefaultEpochs;

        /// <summary>Members of the soft-voting ensemble (the recipe soft-votes 5).</summary>
        public int Models { get; init; } = 5;

        public string OutputDirectory { get; init; } = "mnist-output";

        /// <summary>Keep only the first N training rows (after the split); null = all. For quick runs and tests.</summary>
        public int? TrainRows { get; init; }

        /// <summary>Keep only the first N test rows; null = all.</summary>
        public int? TestRows { get; init; }

        public int[] HiddenLayerSizes { get; init; } = { 50, 50, 50, 50 };
        public int BatchSize { get; init; } = 32;
        public float LearningRate { get; init; } = 0.001f;
        public float DropoutRate { get; init; } = 0.2f;
        public int Seed { get; init; }

        // Beyond the seed recipe (its values are the defaults): what the best Fashion-MNIST recipe in samples/README.md uses.
        public MlpOptimizer Optimizer { get; init; } = MlpOptimizer.Adam;
        public float WeightDecay { get; init; }
        public MlpLearningRateSchedule Schedule { get; init; } = MlpLearningRateSchedule.Constant;
        public MlpActivation Activation { get; init; } = MlpActivation.Relu;

        /// <summary>Also export the trained pipeline as ONNX to this file and score the test set with ONNX Runtime; null = no export.</summary>
        public string OnnxPath { get; init; }

        /// <summary>Test images drawn in the terminal after reloading the saved model.</summary>
        public int PreviewImages { get; init; } = 6;

        /// <summary>Where everything is printed; tests pass a console that writes into a string.</summary>
        public IAnsiConsole Console { get; init; } = AnsiConsole.Console;

        public const string Usage =
@"Usage: dotnet run --project samples/MnistEnsemble -c Release -- [options]
  --data DIR            MNIST-format IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
                        t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]); default: the 10,000 digits
                        in data/mnist-digits, shuffled with seed 0, 8,000 train / 2,000 test
  --epochs N            epochs per member (default 30)
  --models N            ensemble members (default 5)
  --output DIR          model zip and training-curve PNG go here (default ./mnist-output)
  --train-rows N        use only the first N training rows
  --test-rows N         use only the first N test rows
  --hidden 50,50,50,50  hidden layer widths
  --batch-size N        rows per mini-batch (default 32)
  --learning-rate X     learning rate (default 0.001; the peak for OneCycle)
  --dropout X           dropout rate (default 0.2)
  --seed N              base seed of the members (default 0)
  --optimizer NAME      Adam (default), AdamW, Sgd or RmsProp
  --weight-decay X      L2 penalty (Adam, Sgd, RmsProp) or decoupled decay (AdamW); default 0
  --schedule NAME       learning-rate schedule per epoch: Constant (default), StepDecay, ExponentialDecay,
                        CosineAnnealing, OneCycle or ReduceOnPlateau
  --activation NAME     Relu (default), LeakyRelu, Elu, Gelu, Selu, Tanh or Sigmoid
  --onnx PATH           also export the trained pipeline as ONNX to PATH and score the test set with
                        ONNX Runtime directly (no ML.NET), printing both accuracies
  --help                this text";

        /// <summary>Parses command-line arguments; null when the user asked for help.</summary>
        /// <exception cref="ArgumentException">An unknown option or a bad value.</exception>
        public static SampleOptions Parse(string[] args)
        {
            var options = new SampleOptions();
            for (int i = 0; i < args.Length; i++)
            {
                string name = args[i];
                if (name is "--help" or "-h")
                    return null;
                if (i + 1 >= args.Length)
                    throw new ArgumentException($"{name} needs a value.");
                string value = args[++i];
                options = name switch
                {
                    "--data" => options with { DataDirectory = value },
                    "--epochs" => options with { Epochs = Positive(name, value) },
                    "--models" => options with { Models = Positive(name, value) },
                    "--output" => options with { OutputDirectory = value },
                    "--train-rows" => options with { TrainRows = Positive(name, value) },
                    "--test-rows" => options with { TestRows = Positive(name, value) },
                    "--hidden" => options with { HiddenLayerSizes = value.Split(',').Select(v => Positive(name, v)).ToArray() },
                    "--batch-size" => options with { BatchSize = Positive(name, value) },
                    "--learning-rate" => options with { LearningRate = Number(name, value) },
                    "--dropout" => options with { DropoutRate = Number(name, value) },
                    "--seed" => options with { Seed = Integer(name, value) },
                    "--optimizer" => options with { Optimizer = Choice<MlpOptimizer>(name, value) },
                    "--weight-decay" => options with { WeightDecay = Number(name, value) },
                    "--schedule" => options with { Schedule = Choice<MlpLearningRateSchedule>(name, value) },
                    "--activation" => options with { Activation = Choice<MlpActivation>(name, value) },
                    "--onnx" => options with { OnnxPath = value },
                    _ => throw new ArgumentException($"Unknown option {name}."),
                };
            }
            return options;
        }

        private static int Integer(string name, string value) =>
            int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : throw new ArgumentException($"{name} needs an integer, not '{value}'.");

        private static int Positive(string name, string value) =>
            Integer(name, value) is int n && n > 0 ? n : throw new ArgumentException($"{name} needs a number above 0, not '{value}'.");

        private static T Choice<T>(string name, string value) where T : struct, Enum =>
            Enum.TryParse(value, ignoreCase: true, out T choice) && Enum.IsDefined(choice)
                ? choice
                : throw new ArgumentException($"{name} needs one of {string.Join(", ", Enum.GetNames<T>())}, not '{value}'.");

        private static float Number(string name, string value) =>
            float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float x) ? x : throw new ArgumentException($"{name} needs a number, not '{value}'.");
    }
}
