using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;

// Usage: FitChecker <images-idx> <labels-idx> <heap-shift>
// Shifts this process's heap layout by <heap-shift> (a few arrays of shift-dependent sizes, kept alive, on the small,
// large and pinned heaps), then fits a single Mlp and a fused 3-member ensemble on 600 shipped digits (shuffled as the tests do) and prints, as
// hex float bits: every epoch's training loss, the Score vectors of 40 digits through Transform, and PredictBatch of
// 100 digits. Two runs print the same text only if the models and their scores are bit-identical. On stderr: the
// address modulo 64 of an array allocated after the shift, so a test can check that the layouts really differed.
int shift = int.Parse(args[2], CultureInfo.InvariantCulture);
var ballast = new List<Array>
{
    new byte[8 * shift + 24],                                 // small-object heap
    new byte[90_000 + 8 * shift],                             // large-object heap (the fit's big buffers live here)
    GC.AllocateArray<byte>(8 * shift + 40, pinned: true),     // pinned-object heap
};
var probe = new float[16];
var handle = GCHandle.Alloc(probe, GCHandleType.Pinned);
Console.Error.WriteLine($"address mod 64: {handle.AddrOfPinnedObject().ToInt64() % 64}");
handle.Free();

var ml = new MLContext(seed: 0);
var digits = ml.Data.CreateEnumerable<MnistCatalog.MnistImage>(ml.Data.LoadFromMnistIdx(args[0], args[1]), reuseRowObject: false).ToArray();
var random = new Random(0); // the shipped digits are sorted by class: the tests' shuffle
for (int i = digits.Length - 1; i > 0; i--)
{
    int j = random.Next(i + 1);
    (digits[i], digits[j]) = (digits[j], digits[i]);
}
var train = ml.Data.LoadFromEnumerable(digits.Take(600), MnistCatalog.ImageSchema());
var test = ml.Data.LoadFromEnumerable(digits.Skip(600).Take(40), MnistCatalog.ImageSchema());
var batch = digits.Skip(600).Take(100).SelectMany(d => d.Features).ToArray();

var options = new MlpMulticlassTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 32, 16 }, NumberOfEpochs = 3, BatchSize = 16, Seed = 5 };
var single = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Mlp(options)).Fit(train);
var ensemble = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.SoftVotingEnsemble(options, numberOfModels: 3)).Fit(train);

string Bits(float v) => BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture);
string BitsD(double v) => BitConverter.DoubleToInt64Bits(v).ToString("x16", CultureInfo.InvariantCulture);
foreach (var (name, model) in new (string, ITransformer)[] { ("single", single), ("ensemble", ensemble) })
{
    Console.WriteLine(name);
    foreach (var score in model.Transform(test).GetColumn<VBuffer<float>>("Score"))
        Console.WriteLine(string.Join(" ", score.DenseValues().Select(Bits)));
}
var mlp = single.LastTransformer.Model;
Console.WriteLine("history " + string.Join(" ", mlp.TrainingHistory.Select(h => BitsD(h.TrainingLoss))));
Console.WriteLine("batch " + string.Join(" ", mlp.PredictBatch(batch, 100).Select(Bits)));
GC.KeepAlive(ballast);
