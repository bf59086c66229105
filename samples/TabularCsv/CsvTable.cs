using System;
using System.IO;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace TabularCsv
{
    /// <summary>A CSV with a header, its first columns numeric features and its last the label: the shape of every data set here.</summary>
    public static class CsvTable
    {
        /// <summary>Loads <paramref name="path"/> (default: <paramref name="repoPath"/> inside this repository) with the features as
        /// one known-size Single vector, "Features", and the last column as "Label" of <paramref name="labelKind"/>.</summary>
        public static IDataView Load(MLContext ml, string path, string repoPath, int featureCount, DataKind labelKind)
        {
            path ??= Path.Combine(Samples.Shared.RepoRoot.Find($"{Path.GetDirectoryName(repoPath)}; run from inside the repository or pass --data FILE"), repoPath);
            if (!File.Exists(path))
                throw new FileNotFoundException($"No CSV at {path}.", path);
            // The file as data sample: the loader reads its header, so Features carries the column names as slot names.
            var loader = ml.Data.CreateTextLoader(new TextLoader.Options
            {
                HasHeader = true,
                Separators = new[] { ',' },
                Columns = new[]
                {
                    // A column range becomes one known-size vector: what ML.NET trainers take as features.
                    new TextLoader.Column("Features", DataKind.Single, 0, featureCount - 1),
                    new TextLoader.Column("Label", labelKind, featureCount),
                },
            }, new MultiFileSource(path));
            return loader.Load(path);
        }

        /// <summary>A seeded 80/20 split, cached: L-BFGS and SDCA pass over the data many times, and re-parsing text would dominate.</summary>
        public static (IDataView Train, IDataView Test) Split(MLContext ml, IDataView all, int seed)
        {
            var split = ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: seed);
            return (ml.Data.Cache(split.TrainSet), ml.Data.Cache(split.TestSet));
        }
    }
}
