using System;
using System.Globalization;

namespace Microsoft.ML.Mlp.Benchmarks.Text
{
    /// <summary>Command line of the <c>text</c> and <c>dense-stream</c> modes (issue 10's scaling cases).</summary>
    public sealed class TextHarnessOptions
    {
        public const string Usage =
            "       Microsoft.ML.Mlp.Benchmarks text [--documents N] [--epochs N] [--hidden N] [--skip-mlp] [--seed N]\n" +
            "  --documents N     synthetic training documents (default 5000; issue 10 uses 5000, 20000, 100000); 20% more are held out\n" +
            "  --epochs N        Mlp epochs (default 2)\n" +
            "  --hidden N        Mlp hidden layer width (default 64)\n" +
            "  --skip-mlp        SdcaMaximumEntropy and LbfgsMaximumEntropy only\n" +
            "  --threads N       the Mlp's NumberOfThreads (default 1)\n" +
            "       Microsoft.ML.Mlp.Benchmarks dense-stream [--rows N] [--features N] [--epochs N] [--heap-limit-mib N] [--seed N]\n" +
            "  --rows N          rows generated lazily, never materialised by the generator (default 3000000)\n" +
            "  --features N      dense features per row (default 200)\n" +
            "  --heap-limit-mib N  managed heap hard limit of the training process (default 1536; 0 = none)";

        public int Documents { get; private set; } = 5000;
        public int Epochs { get; private set; } = 2;
        public int Hidden { get; private set; } = 64;

        /// <summary>The Mlp's NumberOfThreads.</summary>
        public int Threads { get; private set; } = 1;
        public bool SkipMlp { get; private set; }
        public int Seed { get; private set; }
        public int Rows { get; private set; } = 3_000_000;
        public int Features { get; private set; } = 200;
        public int HeapLimitMiB { get; private set; } = 1536;

        /// <summary>Child runs only: which trainer this process measures.</summary>
        public string Trainer { get; private set; }

        /// <summary>Parses what follows the mode; <paramref name="denseStream"/> sets that mode's defaults (1 epoch).</summary>
        public static TextHarnessOptions Parse(string[] args, bool denseStream)
        {
            var o = new TextHarnessOptions { Epochs = denseStream ? 1 : 2 };
            for (int i = 0; i < args.Length; i++)
            {
                string name = args[i];
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
                switch (name)
                {
                    case "--documents": o.Documents = CommandLine.Whole(name, Next(), 10); break;
                    case "--epochs": o.Epochs = CommandLine.Whole(name, Next(), 1); break;
                    case "--hidden": o.Hidden = CommandLine.Whole(name, Next(), 1); break;
                    case "--threads": o.Threads = CommandLine.Whole(name, Next(), 1); break;
                    case "--skip-mlp": o.SkipMlp = true; break;
                    case "--seed": o.Seed = CommandLine.Whole(name, Next(), 0); break;
                    case "--rows": o.Rows = CommandLine.Whole(name, Next(), 100); break;
                    case "--features": o.Features = CommandLine.Whole(name, Next(), 2); break;
                    case "--heap-limit-mib": o.HeapLimitMiB = CommandLine.Whole(name, Next(), 0); break;
                    case "--trainer": o.Trainer = Next(); break;
                    default: throw new ArgumentException($"Unknown argument '{name}'.");
                }
            }
            return o;
        }

        /// <summary>The arguments that make a child process measure the same case.</summary>
        public string[] ChildArguments(string mode, string trainer) => new[]
        {
            mode, "--documents", Text(Documents), "--epochs", Text(Epochs), "--hidden", Text(Hidden), "--threads", Text(Threads), "--seed", Text(Seed),
            "--rows", Text(Rows), "--features", Text(Features), "--heap-limit-mib", Text(HeapLimitMiB), "--trainer", trainer,
        };

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
