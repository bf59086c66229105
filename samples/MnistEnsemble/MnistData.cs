using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using MnistImage = Microsoft.ML.MnistCatalog.MnistImage;

namespace MnistEnsemble
{
    /// <summary>A train/test split of MNIST-format images, plus the test rows in memory for per-member scoring and previews.</summary>
    public sealed record MnistSplit(IDataView Train, IDataView Test, MnistImage[] TestRows, int TrainCount, string Description, string[] ClassNames)
    {
        /// <summary>A label's display name: its class name where known (Fashion-MNIST), else the number itself.</summary>
        public string LabelName(float label) =>
            label >= 0 && label < ClassNames.Length && label == (int)label ? ClassNames[(int)label] : label.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Finds and loads the data: the committed digits subset by default, or a folder of IDX files.</summary>
    public static class MnistData
    {
        private const int DigitsTrainCount = 8000;

        public static MnistSplit Load(MLContext ml, SampleOptions options) =>
            options.DataDirectory == null ? LoadCommittedDigits(ml, options) : LoadIdxFolder(ml, options);

        /// <summary>The 10,000 digits in data/mnist-digits, shuffled with System.Random(0) (Fisher–Yates), 8,000 train / 2,000 test:
        /// the split behind the reference figures in issue 5, and the one the tests use.</summary>
        private static MnistSplit LoadCommittedDigits(MLContext ml, SampleOptions options)
        {
            string folder = Path.Combine(FindRepoRoot(), "data", "mnist-digits");
            var all = Rows(ml, ml.Data.LoadFromMnistIdx(
                Path.Combine(folder, "digits-images-idx3-ubyte.gz"), Path.Combine(folder, "digits-labels-idx1-ubyte.gz")));
            var random = new Random(0);
            for (int i = all.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (all[i], all[j]) = (all[j], all[i]);
            }
            var train = all.Take(DigitsTrainCount).Take(options.TrainRows ?? int.MaxValue).ToArray();
            var test = all.Skip(DigitsTrainCount).Take(options.TestRows ?? int.MaxValue).ToArray();
            return new MnistSplit(ToDataView(ml, train), ToDataView(ml, test), test, train.Length,
                "MNIST digits subset (data/mnist-digits, shuffled with seed 0)", DigitNames);
        }

        private static MnistSplit LoadIdxFolder(MLContext ml, SampleOptions options)
        {
            string folder = options.DataDirectory;
            if (!Directory.Exists(folder))
                throw new DirectoryNotFoundException($"--data {folder}: no such folder.");
            // The training set stays a streaming IDataView (no second in-memory copy of 60,000 images); the trainer reads it once.
            var train = ml.Data.LoadFromMnistIdx(FindIdx(folder, "train", "images", 3), FindIdx(folder, "train", "labels", 1));
            if (options.TrainRows is int trainRows)
                train = ml.Data.TakeRows(train, trainRows);
            var testAll = ml.Data.LoadFromMnistIdx(FindIdx(folder, "t10k", "images", 3), FindIdx(folder, "t10k", "labels", 1));
            var test = Rows(ml, ml.Data.TakeRows(testAll, options.TestRows ?? int.MaxValue));
            int trainCount = (int)(train.GetRowCount() ?? train.GetColumn<float>("Label").LongCount());
            bool fashion = folder.Contains("fashion", StringComparison.OrdinalIgnoreCase);
            return new MnistSplit(train, ToDataView(ml, test), test, trainCount, Path.GetFullPath(folder), fashion ? FashionNames : DigitNames);
        }

        /// <summary>Finds e.g. train-images-idx3-ubyte, .gz or not, also with the dot some mirrors use (train-images.idx3-ubyte).</summary>
        private static string FindIdx(string folder, string split, string kind, int dimensions)
        {
            foreach (string separator in new[] { "-", "." })
                foreach (string extension in new[] { "", ".gz" })
                {
                    string path = Path.Combine(folder, $"{split}-{kind}{separator}idx{dimensions}-ubyte{extension}");
                    if (File.Exists(path))
                        return path;
                }
            throw new FileNotFoundException(
                $"--data {folder}: found no {split}-{kind}-idx{dimensions}-ubyte[.gz]. The folder needs the four MNIST-format files "
                + "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (gzipped or not).");
        }

        private static MnistImage[] Rows(MLContext ml, IDataView data) =>
            ml.Data.CreateEnumerable<MnistImage>(data, reuseRowObject: false).ToArray();

        /// <summary>An IDataView over rows already in memory; the feature vector gets its known size, which trainers need.</summary>
        public static IDataView ToDataView(MLContext ml, MnistImage[] rows)
        {
            return ml.Data.LoadFromEnumerable(rows, MnistCatalog.ImageSchema(rows.Length > 0 ? rows[0].Features.Length : 784));
        }

        public static string FindRepoRoot() => Samples.Shared.RepoRoot.Find("data/mnist-digits; run from inside the repository or pass --data DIR");

        private static readonly string[] DigitNames = Array.Empty<string>();

        private static readonly string[] FashionNames =
            { "T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };
    }
}
