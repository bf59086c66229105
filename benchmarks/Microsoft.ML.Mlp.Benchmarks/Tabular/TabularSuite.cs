using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Microsoft.ML.Mlp.Benchmarks.Tabular
{
    /// <summary>One line of suite.tsv: name, task (multiclass, binary or regression), categorical columns, rows, features.</summary>
    public sealed record TabularDataset(string Name, string Task, IReadOnlyList<string> Categorical, int Rows, int Features)
    {
        public string TrainFile(string folder) => Path.Combine(folder, Name + "-train.csv");
        public string TestFile(string folder) => Path.Combine(folder, Name + "-test.csv");
    }

    /// <summary>The suite's folder and its list of data sets. The data stay in shared/: never copied into the repository.</summary>
    public static class TabularSuite
    {
        public const string DefaultRelativeFolder = "../shared/tabular-suite";

        /// <summary>The folder given, else <see cref="DefaultRelativeFolder"/> from the repository root (the folder holding
        /// MlpTrainers.sln above the current directory); fails saying where it looked.</summary>
        public static string Folder(string given)
        {
            string folder;
            if (given != null)
                folder = Path.GetFullPath(given);
            else
            {
                string root = RepositoryRoot(Directory.GetCurrentDirectory())
                    ?? throw new DirectoryNotFoundException(
                        $"No MlpTrainers.sln in {Directory.GetCurrentDirectory()} or above it, so no default data folder; pass --data DIR.");
                folder = Path.GetFullPath(Path.Combine(root, DefaultRelativeFolder));
            }
            if (!File.Exists(Path.Combine(folder, "suite.tsv")))
                throw new DirectoryNotFoundException(
                    $"Tabular suite not found: no suite.tsv in {folder}" + (given == null ? $" ({DefaultRelativeFolder} beside the repository root)" : "") +
                    ". Pass --data DIR with the folder holding suite.tsv and NAME-train.csv / NAME-test.csv.");
            return folder;
        }

        /// <summary>suite.tsv's data sets, or the named ones in the order given (unknown names fail, listing the known).</summary>
        public static IReadOnlyList<TabularDataset> Read(string folder, IReadOnlyList<string> names)
        {
            var all = File.ReadLines(Path.Combine(folder, "suite.tsv")).Where(l => l.Trim().Length > 0).Select(Parse).ToList();
            if (names == null)
                return all;
            return names.Select(n => all.FirstOrDefault(d => d.Name == n) ?? throw new ArgumentException(
                $"--datasets: no data set '{n}' in {folder}/suite.tsv (known: {string.Join(",", all.Select(d => d.Name))}).")).ToList();
        }

        private static TabularDataset Parse(string line)
        {
            var f = line.Split('\t');
            if (f.Length < 5 || f[1] is not ("multiclass" or "binary" or "regression"))
                throw new FormatException($"suite.tsv: expected name, task, categorical columns, rows, features; got '{line}'.");
            var categorical = f[2].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return new TabularDataset(f[0], f[1], categorical, int.Parse(f[3]), int.Parse(f[4]));
        }

        private static string RepositoryRoot(string start)
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "MlpTrainers.sln")))
                    return dir.FullName;
            return null;
        }
    }
}
