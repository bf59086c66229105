using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace TextClassification
{
    /// <summary>A train/test split of labelled documents; the test documents also in memory, for per-member scores and previews.</summary>
    public sealed record TextSplit(IDataView Train, IDataView Test, TextDocument[] TestDocuments, int TrainCount, string Description, int SkippedRows);

    /// <summary>Finds and loads the documents: the committed SpamAssassin corpus, the user's CSV, or generated ones.</summary>
    public static class TextData
    {
        public const string DefaultCorpus = "data/spam-assassin/spam-assassin.csv.gz";

        public static TextSplit Load(MLContext ml, TextOptions options)
        {
            string description;
            TextDocument[] documents;
            int skipped = 0;
            if (options.SyntheticDocuments is int count)
            {
                documents = SyntheticCorpus.Generate(0, count, options.Seed).ToArray();
                description = $"synthetic corpus ({count:N0} generated documents, 5 classes)";
            }
            else
            {
                string path = options.DataPath ?? Path.Combine(FindRepoRoot(), DefaultCorpus);
                (documents, skipped) = ReadCsv(ml, path);
                description = options.DataPath == null ? "SpamAssassin public corpus (data/spam-assassin)" : Path.GetFullPath(path);
            }

            // Fisher–Yates with the seed: the file's order (all ham, then all spam) must not decide the split.
            var random = new Random(options.Seed);
            for (int i = documents.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (documents[i], documents[j]) = (documents[j], documents[i]);
            }
            documents = documents.Take(options.Documents ?? int.MaxValue).ToArray();
            int testCount = (int)Math.Round(documents.Length * options.TestFraction);
            if (documents.Length - testCount < 2 || testCount < 1)
                throw new InvalidDataException($"{description}: {documents.Length} usable document(s) cannot make a training and a test set; provide more rows.");
            var train = documents.Take(documents.Length - testCount).ToArray();
            var test = documents.Skip(train.Length).ToArray();
            return new TextSplit(ml.Data.LoadFromEnumerable(train), ml.Data.LoadFromEnumerable(test), test, train.Length, description, skipped);
        }

        /// <summary>Reads Label,Text rows with ML.NET's TextLoader (a header row; quoted fields may hold commas, quotes and
        /// line breaks). Rows without a label or a text are skipped and counted.</summary>
        public static (TextDocument[] Documents, int Skipped) ReadCsv(MLContext ml, string path)
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"--data {path}: no such file. Pass a CSV with a header row and the columns Label,Text.", path);
            var loader = ml.Data.CreateTextLoader(new TextLoader.Options
            {
                HasHeader = true,
                Separators = new[] { ',' },
                AllowQuoting = true,
                ReadMultilines = true,
                Columns = new[]
                {
                    new TextLoader.Column(nameof(TextDocument.Label), DataKind.String, 0),
                    new TextLoader.Column(nameof(TextDocument.Text), DataKind.String, 1),
                },
            });
            IMultiStreamSource source = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new GzipFileSource(path)
                : new MultiFileSource(path);
            var rows = ml.Data.CreateEnumerable<TextDocument>(loader.Load(source), reuseRowObject: false).ToList();
            var documents = rows.Where(d => !string.IsNullOrWhiteSpace(d.Label) && !string.IsNullOrWhiteSpace(d.Text))
                .Select(d => new TextDocument { Label = d.Label.Trim(), Text = d.Text }).ToArray();
            if (documents.Length == 0)
                throw new InvalidDataException($"--data {path}: no row has both a label and a text. Expected a header row, then Label,Text rows such as: spam,\"Win a prize, now\"");
            return (documents, rows.Count - documents.Length);
        }

        public static string FindRepoRoot() => Samples.Shared.RepoRoot.Find($"{DefaultCorpus}; run from inside the repository or pass --data FILE");

        /// <summary>One gzipped file as ML.NET's TextLoader source: it reads streams, so it can read a decompressing one.</summary>
        private sealed class GzipFileSource : IMultiStreamSource
        {
            private readonly string _path;

            public GzipFileSource(string path) => _path = path;

            public int Count => 1;

            public string GetPathOrNull(int index) => _path;

            public Stream Open(int index) => new GZipStream(File.OpenRead(_path), CompressionMode.Decompress);

            public TextReader OpenTextReader(int index) => new StreamReader(Open(index));
        }
    }
}
