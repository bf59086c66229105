using System;
using System.Globalization;
using System.Linq;
using Spectre.Console;

namespace TextClassification
{
    /// <summary>What to train on and how. Defaults: the committed SpamAssassin corpus, sized to run in about a minute on 2 cores.</summary>
    public sealed record TextOptions
    {
        /// <summary>A CSV of labelled documents (header row, then Label,Text; .csv or .csv.gz); null = data/spam-assassin.</summary>
        public string DataPath { get; init; }

        /// <summary>Train on this many generated documents (<see cref="SyntheticCorpus"/>) instead of a CSV.</summary>
        public int? SyntheticDocuments { get; init; }

        /// <summary>Keep at most this many documents (after shuffling, before the split); null = all.</summary>
        public int? Documents { get; init; }

        /// <summary>Share of the documents held out for testing.</summary>
        public double TestFraction { get; init; } = 0.2;

        /// <summary>Word n-grams up to this length (1 = words only, 2 = words and word pairs).</summary>
        public int NgramLength { get; init; } = 2;

        /// <summary>Keep only the most frequent n-grams of each length: the feature vector is at most this × <see cref="NgramLength"/>
        /// wide. Until the trainer keeps sparse rows sparse it copies them dense, so this bounds its memory: rows × width × 4 bytes.</summary>
        public int MaximumNgrams { get; init; } = 10_000;

        /// <summary>Add character trigrams (FeaturizeText's default; many more features).</summary>
        public bool CharacterNgrams { get; init; }

        public int Epochs { get; init; } = 8;
        public int[] HiddenLayerSizes { get; init; } = { 64 };
        public int BatchSize { get; init; } = 32;
        public float DropoutRate { get; init; } = 0.2f;

        /// <summary>Batch normalisation after the MLP's hidden layers (the library's default). It speeds up learning from
        /// L2-normalised sparse rows; its running statistics (Keras momentum 0.99) need a few hundred steps to settle, and
        /// until then the MLP's test probabilities are flatter than they should be (see samples/README.md).</summary>
        public bool BatchNormalization { get; init; } = true;
        public int Seed { get; init; }

        public string OutputDirectory { get; init; } = "text-output";

        /// <summary>Test documents classified by the reloaded model at the end.</summary>
        public int Previews { get; init; } = 6;

        /// <summary>Where everything is printed; tests pass a console that writes into a string.</summary>
        public IAnsiConsole Console { get; init; } = AnsiConsole.Console;

        public const string Usage =
@"Usage: dotnet run --project samples/TextClassification -c Release -- [options]
  --data FILE           CSV of labelled documents: a header row, then Label,Text (quote fields holding commas,
                        quotes or line breaks; .csv or .csv.gz). Default: data/spam-assassin/spam-assassin.csv.gz
  --synthetic N         train on N generated documents (5 classes, ~40 words each) instead of a CSV
  --documents N         keep at most N documents (shuffled with the seed, before the split)
  --test-fraction X     share held out for testing (default 0.2)
  --ngrams N            word n-grams up to length N (default 2: words and word pairs)
  --max-ngrams N        keep the N most frequent n-grams of each length (default 10000: with --ngrams 2,
                        20,000 features; the MLP copies rows dense, so memory is rows × features × 4 bytes)
  --char-ngrams         add character trigrams (FeaturizeText's default; far more features)
  --epochs N            MLP epochs (default 8)
  --hidden 64           MLP hidden layer widths, comma-separated
  --batch-size N        MLP rows per mini-batch (default 32)
  --dropout X           MLP dropout rate (default 0.2)
  --no-batch-norm       no batch normalisation after the MLP's hidden layers
  --seed N              shuffling, split and training seed (default 0)
  --output DIR          model zip and training-curve PNG go here (default ./text-output)
  --help                this text";

        /// <summary>Parses command-line arguments; null when the user asked for help.</summary>
        /// <exception cref="ArgumentException">An unknown option or a bad value.</exception>
        public static TextOptions Parse(string[] args)
        {
            var options = new TextOptions();
            for (int i = 0; i < args.Length; i++)
            {
                string name = args[i];
                if (name is "--help" or "-h")
                    return null;
                if (name is "--char-ngrams" or "--no-batch-norm")
                {
                    options = name == "--char-ngrams" ? options with { CharacterNgrams = true } : options with { BatchNormalization = false };
                    continue;
                }
                if (i + 1 >= args.Length)
                    throw new ArgumentException($"{name} needs a value.");
                string value = args[++i];
                options = name switch
                {
                    "--data" => options with { DataPath = value },
                    "--synthetic" => options with { SyntheticDocuments = Positive(name, value) },
                    "--documents" => options with { Documents = Positive(name, value) },
                    "--test-fraction" => options with { TestFraction = Fraction(name, value) },
                    "--ngrams" => options with { NgramLength = Positive(name, value) },
                    "--max-ngrams" => options with { MaximumNgrams = Positive(name, value) },
                    "--epochs" => options with { Epochs = Positive(name, value) },
                    "--hidden" => options with { HiddenLayerSizes = value.Split(',').Select(v => Positive(name, v)).ToArray() },
                    "--batch-size" => options with { BatchSize = Positive(name, value) },
                    "--dropout" => options with { DropoutRate = (float)Fraction(name, value, allowZero: true) },
                    "--seed" => options with { Seed = Integer(name, value) },
                    "--output" => options with { OutputDirectory = value },
                    _ => throw new ArgumentException($"Unknown option {name}."),
                };
            }
            if (options.DataPath != null && options.SyntheticDocuments != null)
                throw new ArgumentException("--data and --synthetic both choose the documents; pass one of them.");
            return options;
        }

        private static int Integer(string name, string value) =>
            int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : throw new ArgumentException($"{name} needs an integer, not '{value}'.");

        private static int Positive(string name, string value) =>
            Integer(name, value) is int n && n > 0 ? n : throw new ArgumentException($"{name} needs a number above 0, not '{value}'.");

        private static double Fraction(string name, string value, bool allowZero = false) =>
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && (x > 0 || allowZero && x == 0) && x < 1
                ? x
                : throw new ArgumentException($"{name} needs a number {(allowZero ? "from 0" : "above 0")} and below 1, not '{value}'.");
    }
}
