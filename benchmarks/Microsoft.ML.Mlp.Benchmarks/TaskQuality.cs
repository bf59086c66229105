using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>
    /// The <c>tasks</c> mode: issue 11's quality figures at a larger scale than the tests — binary ("is it a 3?") and multiclass
    /// on the 10,000 committed digits (8,000 train / 2,000 test), regression on scikit-learn's make_friedman1 (5,000 / 1,000),
    /// each task's Mlp beside ML.NET's linear trainer, LightGbm, and this package's voting and stacking ensembles.
    /// </summary>
    public static class TaskQuality
    {
        private sealed class DigitRow
        {
            public float Label;
            [VectorType(784)] public float[] Features;
        }

        private sealed class BinaryRow
        {
            public bool Label;
            [VectorType(784)] public float[] Features;
        }

        private sealed class FriedmanRow
        {
            public float Label;
            [VectorType(10)] public float[] Features;
        }

        public static int Run()
        {
            var ml = new MLContext(seed: 0);
            // The committed digits are sorted by class: shuffled as the MnistEnsemble sample does (Fisher–Yates, Random(0)), then
            // its split, 8,000 train / 2,000 test.
            var all = ml.Data.CreateEnumerable<DigitRow>(Datasets.LoadDigits(ml), reuseRowObject: false).ToArray();
            var random = new Random(0);
            for (int i = all.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (all[i], all[j]) = (all[j], all[i]);
            }
            var (train, test) = (all.Take(8000).ToArray(), all.Skip(8000).ToArray());
            Multiclass(ml, ml.Data.LoadFromEnumerable(train), ml.Data.LoadFromEnumerable(test));
            Binary(ml, Threes(ml, train), Threes(ml, test));
            Regression(ml, ml.Data.LoadFromEnumerable(Friedman1(5000, 1)), ml.Data.LoadFromEnumerable(Friedman1(1000, 2)));
            return 0;
        }

        private static IDataView Threes(MLContext ml, DigitRow[] digits) =>
            ml.Data.LoadFromEnumerable(digits.Select(d => new BinaryRow { Label = d.Label == 3, Features = d.Features }).ToArray());

        /// <summary>make_friedman1: y = 10 sin(π x0 x1) + 20 (x2 − 0.5)² + 10 x3 + 5 x4 + N(0, 1), 10 uniform features (5 noise).</summary>
        private static FriedmanRow[] Friedman1(int count, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(_ =>
            {
                var x = Enumerable.Range(0, 10).Select(_ => (float)random.NextDouble()).ToArray();
                double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                double y = 10 * Math.Sin(Math.PI * x[0] * x[1]) + 20 * (x[2] - 0.5) * (x[2] - 0.5) + 10 * x[3] + 5 * x[4] + noise;
                return new FriedmanRow { Label = (float)y, Features = x };
            }).ToArray();
        }

        private static void Multiclass(MLContext ml, IDataView train, IDataView test)
        {
            var mlp = Datasets.SeedOptions(epochs: 20);
            IEstimator<ITransformer> Mlp() => ml.MulticlassClassification.Trainers.Mlp(mlp);
            IEstimator<ITransformer> MaxEnt() => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy();
            IEstimator<ITransformer> Gbm() => ml.MulticlassClassification.Trainers.LightGbm();
            var rows = Compare("Multiclass: 8,000 / 2,000 digits", "accuracy", "log-loss", new (string, Func<IEstimator<ITransformer>>)[]
            {
                ("Mlp (seed recipe, 20 epochs)", Mlp),
                ("LbfgsMaximumEntropy", MaxEnt),
                ("LightGbm", Gbm),
                ("SoftVotingEnsemble (5 fused Mlp)", () => ml.MulticlassClassification.Trainers.SoftVotingEnsemble(mlp, numberOfModels: 5)),
                ("SoftVotingEnsemble (Mlp + MaxEnt + LightGbm)", () => ml.MulticlassClassification.Trainers.SoftVotingEnsemble(new[] { Mlp(), MaxEnt(), Gbm() })),
                ("StackingEnsemble (Mlp + MaxEnt + LightGbm)", () => ml.MulticlassClassification.Trainers.StackingEnsemble(new[] { Mlp(), MaxEnt(), Gbm() }, seed: 1)),
            }, trainer => ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer), train, test, scored =>
            {
                var m = ml.MulticlassClassification.Evaluate(scored);
                return (m.MicroAccuracy, m.LogLoss);
            });
        }

        private static void Binary(MLContext ml, IDataView train, IDataView test)
        {
            var mlp = new MlpBinaryTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 50, 50 }, NumberOfEpochs = 20, Seed = 0 };
            IEstimator<ITransformer> Mlp() => ml.BinaryClassification.Trainers.Mlp(mlp);
            IEstimator<ITransformer> Logistic() => ml.BinaryClassification.Trainers.LbfgsLogisticRegression();
            IEstimator<ITransformer> Gbm() => ml.BinaryClassification.Trainers.LightGbm();
            Compare("Binary: is it a 3? (8,000 / 2,000 digits)", "AUC", "log-loss", new (string, Func<IEstimator<ITransformer>>)[]
            {
                ("Mlp (784→50→50, 20 epochs)", Mlp),
                ("LbfgsLogisticRegression", Logistic),
                ("LightGbm", Gbm),
                ("SoftVotingEnsemble (5 fused Mlp)", () => ml.BinaryClassification.Trainers.SoftVotingEnsemble(mlp, numberOfModels: 5)),
                ("SoftVotingEnsemble (Mlp + LR + LightGbm)", () => ml.BinaryClassification.Trainers.SoftVotingEnsemble(new[] { Mlp(), Logistic(), Gbm() })),
                ("StackingEnsemble (Mlp + LR + LightGbm)", () => ml.BinaryClassification.Trainers.StackingEnsemble(new[] { Mlp(), Logistic(), Gbm() }, seed: 1)),
            }, trainer => trainer, train, test, scored =>
            {
                var m = ml.BinaryClassification.Evaluate(scored);
                return (m.AreaUnderRocCurve, m.LogLoss);
            });
        }

        private static void Regression(MLContext ml, IDataView train, IDataView test)
        {
            var mlp = new MlpRegressionTrainer.Options(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 64, 64 }, NumberOfEpochs = 100, LearningRate = 0.003f, Seed = 0 };
            IEstimator<ITransformer> Mlp() => ml.Regression.Trainers.Mlp(mlp);
            IEstimator<ITransformer> Sdca() => ml.Regression.Trainers.Sdca();
            IEstimator<ITransformer> Gbm() => ml.Regression.Trainers.LightGbm();
            Compare("Regression: make_friedman1 (5,000 / 1,000 rows)", "R²", "RMSE", new (string, Func<IEstimator<ITransformer>>)[]
            {
                ("Mlp (10→64→64, 100 epochs)", Mlp),
                ("Sdca (linear)", Sdca),
                ("LightGbm", Gbm),
                ("VotingEnsemble (5 fused Mlp)", () => ml.Regression.Trainers.VotingEnsemble(mlp, numberOfModels: 5)),
                ("VotingEnsemble (Mlp + Sdca + LightGbm)", () => ml.Regression.Trainers.VotingEnsemble(new[] { Mlp(), Sdca(), Gbm() })),
                ("StackingEnsemble (Mlp + Sdca + LightGbm)", () => ml.Regression.Trainers.StackingEnsemble(new[] { Mlp(), Sdca(), Gbm() }, seed: 1)),
            }, trainer => trainer, train, test, scored =>
            {
                var m = ml.Regression.Evaluate(scored);
                return (m.RSquared, m.RootMeanSquaredError);
            });
        }

        /// <summary>Fits each candidate, scores the test rows and prints one table row per candidate as it finishes.</summary>
        private static List<(string Name, double Main, double Second, double Seconds)> Compare(string title, string main, string second,
            (string Name, Func<IEstimator<ITransformer>> Trainer)[] candidates, Func<IEstimator<ITransformer>, IEstimator<ITransformer>> pipeline,
            IDataView train, IDataView test, Func<IDataView, (double Main, double Second)> evaluate)
        {
            Console.WriteLine($"\n{title}\n| trainer | {main} | {second} | train s |\n|---|---:|---:|---:|");
            var rows = new List<(string, double, double, double)>();
            foreach (var (name, trainer) in candidates)
            {
                var clock = Stopwatch.StartNew();
                var model = pipeline(trainer()).Fit(train);
                double seconds = clock.Elapsed.TotalSeconds;
                var (a, b) = evaluate(model.Transform(test));
                Console.WriteLine($"| {name} | {a:F4} | {b:F4} | {seconds:F1} |");
                rows.Add((name, a, b, seconds));
            }
            return rows;
        }
    }
}
