using System;
using System.Globalization;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

// Usage: ModelLoadChecker <model.zip> <images-idx> <labels-idx> <rows> [--shuffled]
// Loads the model in a fresh process (no ComponentCatalog registration), scores <rows> images and prints each
// Score vector as round-trip ("R") floats, one row per line (a binary model: Score and Probability). --shuffled takes the rows in the tests' order:
// the shipped digits shuffled with System.Random(0).
var ml = new MLContext(seed: 123);
var model = ml.Model.Load(args[0], out _);
int rows = int.Parse(args[3], CultureInfo.InvariantCulture);
var all = ml.Data.CreateEnumerable<MnistCatalog.MnistImage>(ml.Data.LoadFromMnistIdx(args[1], args[2]), reuseRowObject: false).ToArray();
if (args.Contains("--shuffled"))
{
    var random = new Random(0);
    for (int i = all.Length - 1; i > 0; i--)
    {
        int j = random.Next(i + 1);
        (all[i], all[j]) = (all[j], all[i]);
    }
}
var scored = model.Transform(ml.Data.LoadFromEnumerable(all.Take(rows), MnistCatalog.ImageSchema()));
if (scored.Schema["Score"].Type is not VectorDataViewType) // binary: one Score per row, then its Probability; regression: the Score
{
    if (scored.Schema.GetColumnOrNull("Probability") == null)
    {
        foreach (var score in scored.GetColumn<float>("Score"))
            Console.WriteLine(score.ToString("R", CultureInfo.InvariantCulture));
        return;
    }
    foreach (var (score, probability) in scored.GetColumn<float>("Score").Zip(scored.GetColumn<float>("Probability")))
        Console.WriteLine(score.ToString("R", CultureInfo.InvariantCulture) + " " + probability.ToString("R", CultureInfo.InvariantCulture));
    return;
}
foreach (var score in scored.GetColumn<VBuffer<float>>("Score"))
    Console.WriteLine(string.Join(" ", score.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
