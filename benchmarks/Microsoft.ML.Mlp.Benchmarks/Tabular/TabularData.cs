using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Microsoft.ML.Mlp.Benchmarks.Tabular
{
    /// <summary>
    /// A data set read and featurised the same way for every trainer: TextLoader columns from the header (numeric as Single
    /// with empty → NaN, categorical as Text, the label by task), then one-hot categoricals, mean-imputed numerics,
    /// concatenated to Features and mean-variance normalised, fitted on train. Both views keep Label and Features only and
    /// are cached, so no trainer's fit time includes parsing or featurisation.
    /// </summary>
    public static class TabularData
    {
        public static (IDataView Train, IDataView Test) Load(MLContext ml, TabularDataset dataset, string folder)
        {
            string trainFile = dataset.TrainFile(folder), testFile = dataset.TestFile(folder);
            foreach (var file in new[] { trainFile, testFile })
                if (!File.Exists(file))
                    throw new FileNotFoundException($"{dataset.Name}: {file} not found.", file);

            string[] header = File.ReadLines(trainFile).First().Split(',');
            if (header[0] != "Label")
                throw new FormatException($"{trainFile}: the first column must be Label, got '{header[0]}'.");
            var unknown = dataset.Categorical.Except(header).ToArray();
            if (unknown.Length > 0)
                throw new FormatException($"{dataset.Name}: suite.tsv names categorical columns not in the header: {string.Join(", ", unknown)}.");

            var columns = header.Select((name, i) => new TextLoader.Column(name,
                i == 0 ? LabelKind(dataset.Task) : dataset.Categorical.Contains(name) ? DataKind.String : DataKind.Single, i)).ToArray();
            var loader = ml.Data.CreateTextLoader(new TextLoader.Options
            {
                Columns = columns,
                HasHeader = true,
                Separators = new[] { ',' },
                // TextLoader reads an empty Single cell as 0 unless told otherwise; the suite's empty cells are missing values.
                MissingRealsAsNaNs = true,
                AllowQuoting = false,
            });
            var (train, test) = (loader.Load(trainFile), loader.Load(testFile));

            var featurizer = Featurizer(ml, dataset, header.Skip(1).ToArray()).Fit(train);
            return (Cached(ml, featurizer.Transform(train)), Cached(ml, featurizer.Transform(test)));
        }

        /// <summary>Multiclass labels are read as text (names or numbers alike) and keyed by the featuriser.</summary>
        private static DataKind LabelKind(string task) => task switch
        {
            "multiclass" => DataKind.String,
            "binary" => DataKind.Boolean,
            _ => DataKind.Single,
        };

        private static IEstimator<ITransformer> Featurizer(MLContext ml, TabularDataset dataset, string[] features)
        {
            var categorical = features.Where(dataset.Categorical.Contains).Select(c => new InputOutputColumnPair(c)).ToArray();
            var numeric = features.Where(c => !dataset.Categorical.Contains(c)).Select(c => new InputOutputColumnPair(c)).ToArray();
            IEstimator<ITransformer> pipeline = new EstimatorChain<ITransformer>();
            if (dataset.Task == "multiclass")
                pipeline = pipeline.Append(ml.Transforms.Conversion.MapValueToKey("Label"));
            if (categorical.Length > 0)
                pipeline = pipeline.Append(ml.Transforms.Categorical.OneHotEncoding(categorical));
            if (numeric.Length > 0)
                pipeline = pipeline.Append(ml.Transforms.ReplaceMissingValues(numeric, MissingValueReplacingEstimator.ReplacementMode.Mean));
            return pipeline
                .Append(ml.Transforms.Concatenate("Features", features))
                .Append(ml.Transforms.NormalizeMeanVariance("Features"))
                .Append(ml.Transforms.SelectColumns("Label", "Features"));
        }

        /// <summary>Caches the view and reads it once, so the first trainer does not pay for filling the cache.</summary>
        private static IDataView Cached(MLContext ml, IDataView view)
        {
            var cached = ml.Data.Cache(view);
            // An active column is filled as the cursor moves; no getter is needed.
            using var cursor = cached.GetRowCursor(cached.Schema);
            while (cursor.MoveNext())
            {
            }
            return cached;
        }
    }
}
