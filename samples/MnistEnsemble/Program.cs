using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Trainers.Mlp;

// Quickstart: the seed recipe's network on the MNIST digits shipped in data/mnist-digits.
string root = FindRepoRoot();
var ml = new MLContext(seed: 0);
var all = ml.Data.LoadFromMnistIdx(Path.Combine(root, "data/mnist-digits/digits-images-idx3-ubyte.gz"),
                                   Path.Combine(root, "data/mnist-digits/digits-labels-idx1-ubyte.gz"));
var shuffled = ml.Data.ShuffleRows(all, seed: 0, shufflePoolSize: 10000);
var train = ml.Data.TakeRows(shuffled, 8000);
var test = ml.Data.SkipRows(shuffled, 8000);

int epochs = args.Length > 0 ? int.Parse(args[0]) : 10;
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.Mlp(new MlpTrainer.Options
    {
        NumberOfEpochs = epochs,
        EpochCallback = m => Console.WriteLine(m),
    }))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
var model = pipeline.Fit(train);
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
Console.WriteLine($"Test accuracy {metrics.MicroAccuracy:P2}, log-loss {metrics.LogLoss:F4}");

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "MlpTrainers.sln")))
            return dir.FullName;
    return Directory.GetCurrentDirectory();
}
