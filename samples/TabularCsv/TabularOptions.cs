using System;
using System.Globalization;
using Spectre.Console;

namespace TabularCsv
{
    /// <summary>Which tasks run, how long the MLP trains and where the CSV is. Defaults: all three tasks on the committed CSVs.</summary>
    public sealed record TabularOptions
    {
        /// <summary>The tasks the sample can run, each on its own committed CSV.</summary>
        public static readonly string[] Tasks = { "multiclass", "binary", "regression" };

        /// <summary>"all" or one of <see cref="Tasks"/>.</summary>
        public string Task { get; init; } = "all";

        /// <summary>The CSV of the one task chosen; null = that task's CSV in this repository's data folder.</summary>
        public string DataPath { get; init; }

        /// <summary>MLP epochs (the MLP alone and the one inside the ensemble; regression trains 4× as many on its 400 rows).</summary>
        public int Epochs { get; init; } = 30;

        public int Seed { get; init; }

        /// <summary>Where everything is printed; tests pass a console that writes into a string.</summary>
        public IAnsiConsole Console { get; init; } = AnsiConsole.Console;

        public const string Usage =
@"Usage: dotnet run --project samples/TabularCsv -c Release -- [options]
  --task T      all (default), multiclass (Landsat satellite), binary (Pima diabetes) or regression (Boston housing)
  --data FILE   the CSV of the one --task chosen, laid out as the committed one (default: the committed CSV)
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
                    "--task" => options with { Task = value == "all" || Array.IndexOf(Tasks, value) >= 0 ? value
                        : throw new ArgumentException($"--task needs all, {string.Join(", ", Tasks)}; not '{value}'.") },
                    "--epochs" => options with { Epochs = Integer(name, value, minimum: 1) },
                    "--seed" => options with { Seed = Integer(name, value, minimum: int.MinValue) },
                    _ => throw new ArgumentException($"Unknown option {name}."),
                };
            }
            if (options.DataPath != null && options.Task == "all")
                throw new ArgumentException("--data needs a single --task (multiclass, binary or regression): each task reads its own CSV.");
            return options;
        }

        /// <summary>Whether <paramref name="task"/> runs.</summary>
        public bool Runs(string task) => Task == "all" || Task == task;

        private static int Integer(string name, string value, int minimum) =>
            int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= minimum
                ? n
                : throw new ArgumentException($"{name} needs an integer{(minimum > int.MinValue ? $" of at least {minimum}" : "")}, not '{value}'.");
    }
}
