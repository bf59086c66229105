using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

// Usage: ModelLoadChecker <model.zip> <images-idx> <labels-idx> <rows>
// Loads the model in a fresh process (no ComponentCatalog registration), scores the first <rows> images
// and prints each Score vector as round-trip ("R") floats, one row per line.
var ml = new MLContext(seed: 123);
var model = ml.Model.Load(args[0], out _);
var data = ml.Data.TakeRows(ml.Data.LoadFromMnistIdx(args[1], args[2]), int.Parse(args[3], CultureInfo.InvariantCulture));
var scored = model.Transform(data);
foreach (var score in scored.GetColumn<VBuffer<float>>("Score"))
    Console.WriteLine(string.Join(" ", score.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
