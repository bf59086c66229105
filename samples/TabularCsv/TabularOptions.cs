using System;
using System.Globalization;
using Spectre.Console;

namespace TabularCsv
{
    /// <summary>How long the MLP trains and where the CSV is. Defaults: the committed Landsat satellite CSV, its original split.</summary>
    public sealed record TabularOptions
    {
        /// <summary>The CSV; null = data/landsat-satellite/satellite.csv in this repository.</summary>
        public string DataPath { get; init; }

        /// <summary>MLP epochs (the MLP alone and the one inside the ensemble).</summary>
        public int Epochs { get; init; } = 30;

        public int Seed { get; init; }

        /// <summary>Where everything is printed; tests pass a console that writes into a string.</summary>
        public IAnsiConsole Console { get; init; } = AnsiConsole.Console;

        public const string Usage =
@"Usage: dotnet run --project samples/TabularCsv -c Release -- [options]
  --data FILE   the Landsat satellite CSV (default: data/landsat-satellite/satellite.csv)
  --epochs N    MLP epochs (default 30)
  --seed N      MLContext and MLP seed (default 0)
  --help        this text";

        /// <summary>Parses command-line arguments; null when the user asked for help.</summary>
        /// <exception cref="ArgumentException">An unknown option or a bad value.</exception>
        public static TabularOptions Parse(string[] args)
        {
            var options = new TabularOptions();
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
                    "--data" => options with { DataPath = value },
                    "--epochs" => options with { Epochs = Integer(name, value, minimum: 1) },
                    "--seed" => options with { Seed = Integer(name, value, minimum: int.MinValue) },
                    _ => throw new ArgumentException($"Unknown option {name}."),
                };
            }
            return options;
        }

        private static int Integer(string name, string value, int minimum) =>
            int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= minimum
                ? n
                : throw new ArgumentException($"{name} needs an integer{(minimum > int.MinValue ? $" of at least {minimum}" : "")}, not '{value}'.");
    }
}
