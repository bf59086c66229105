using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace TabularCsv
{
    /// <summary>Training and test rows, and the accuracy of always answering the most frequent test class (the bar to clear).</summary>
    public sealed record TabularSplit(IDataView Train, IDataView Test, int TrainCount, int TestCount, double MajorityClassAccuracy);

    /// <summary>
    /// The Statlog (Landsat Satellite) data in data/landsat-satellite: 36 integer features (4 spectral bands × a 3×3 pixel
    /// neighbourhood) and the soil/crop class of the centre pixel, as text. See data/landsat-satellite/README.md.
    /// </summary>
    public static class SatelliteData
    {
        public const int FeatureCount = 36;

        /// <summary>Rows 1–4,435 are the original training file (sat.trn), the last 2,000 its test file (sat.tst):
        /// keeping that split makes the figures comparable with published ones.</summary>
        public const int OriginalTrainingRows = 4435;

        public static TabularSplit Load(MLContext ml, string path)
        {
            var all = CsvTable.Load(ml, path, "data/landsat-satellite/satellite.csv", FeatureCount, DataKind.String);
            // Cached: L-BFGS passes over the data many times, and re-parsing the text each time would dominate.
            var train = ml.Data.Cache(ml.Data.TakeRows(all, OriginalTrainingRows));
            var test = ml.Data.Cache(ml.Data.SkipRows(all, OriginalTrainingRows));

            var testLabels = test.GetColumn<ReadOnlyMemory<char>>("Label").Select(label => label.ToString()).ToArray();
            int trainCount = train.GetColumn<ReadOnlyMemory<char>>("Label").Count();
            double majority = testLabels.Length == 0 ? 0 : testLabels.GroupBy(label => label).Max(g => g.Count()) / (double)testLabels.Length;
            return new TabularSplit(train, test, trainCount, testLabels.Length, majority);
        }
    }
}
