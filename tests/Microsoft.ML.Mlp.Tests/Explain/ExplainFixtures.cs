using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// Small models of every kind, trained once and shared by the explanation tests (a few seconds in all), with the data
    /// they are explained on and the helpers that read contributions and the quantity they explain.
    /// </summary>
    internal static class ExplainFixtures
    {
        /// <summary>A model, the rows it is explained on, and the column that holds the quantity explained (a class's probability, a logit, P(true), a score).</summary>
        internal sealed record Case(MLContext Ml, ISingleFeaturePredictionTransformer<object> Model, IDataView Rows, string Column);

        private sealed class FeaturesOnly
        {
            public float[] Features;
        }

        private const int TrainRows = 800;

        public const int ExplainedRows = 24;

        private static MlpMulticlassTrainer.Options Multiclass(int seed) => new(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 32, 16 }, NumberOfEpochs = 4, Seed = seed };

        private static MlpBinaryTrainer.Options Binary(int seed) => new(MlpPreset.KerasReference) { HiddenLayerSizes = new[] { 32, 16 }, NumberOfEpochs = 4, Seed = seed };

        /// <summary>The tests' regression recipe (RegressionMlpTests); on 10,000 make_friedman1 rows, 30 epochs: R² ≈ 0.93, and little
        /// weight on the noise features (on 2,000 rows they draw about 5% of the attribution: the model fits some noise).</summary>
        public static MlpRegressionTrainer.Options Regression(int seed = 1, int epochs = 30) => new(MlpPreset.KerasReference)
        {
            HiddenLayerSizes = new[] { 64, 64 }, NumberOfEpochs = epochs, LearningRate = 0.003f, Seed = seed,
        };

        /// <summary>Digits with a key label (0–9 as keys 1–10), rows [skip, skip + take).</summary>
        public static IDataView KeyedDigits(MLContext ml, int skip, int take)
        {
            var data = Digits.Load(ml, skip, take);
            return ml.Transforms.Conversion.MapValueToKey("Label").Fit(Digits.Load(ml, 0, TrainRows)).Transform(data);
        }

        public static IDataView Friedman(MLContext ml, int count, int seed) => ml.Data.LoadFromEnumerable(RegressionMlpTests.Friedman1(count, seed));

        private static readonly Dictionary<string, Lazy<Case>> s_cases = new()
        {
            ["multiclass"] = Lazy(ml => ml.MulticlassClassification.Trainers.Mlp(Multiclass(7)), Digits10, "Score"),
            ["binary"] = Lazy(ml => ml.BinaryClassification.Trainers.Mlp(Binary(7)), Threes, "Score"),
            ["regression"] = Lazy(ml => ml.Regression.Trainers.Mlp(Regression()), ml => Friedman(ml, 10000, 1), "Score", ml => Friedman(ml, ExplainedRows, 2)),
            // The data-aware defaults (few epochs to stay quick): SELU, robust scaling chained into the gradient.
            ["multiclass-defaults"] = Lazy(ml => ml.MulticlassClassification.Trainers.Mlp(new MlpMulticlassTrainer.Options { NumberOfEpochs = 4, Seed = 7 }), Digits10, "Score"),
            ["binary-defaults"] = Lazy(ml => ml.BinaryClassification.Trainers.Mlp(new MlpBinaryTrainer.Options { NumberOfEpochs = 4, Seed = 7 }), Threes, "Score"),
            ["regression-defaults"] = Lazy(ml => ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options { NumberOfEpochs = 10, Seed = 7 }),
                ml => Friedman(ml, 2000, 1), "Score", ml => Friedman(ml, ExplainedRows, 2)),
            // The piecewise-linear embedding: each bin's clamp chained into the gradient, summed back onto its feature.
            ["regression-embedding"] = Lazy(ml => ml.Regression.Trainers.Mlp(new MlpRegressionTrainer.Options
                { NumberOfEpochs = 10, EnsembleSize = 1, Seed = 7, NumericEmbedding = MlpNumericEmbedding.PiecewiseLinear }),
                ml => Friedman(ml, 2000, 1), "Score", ml => Friedman(ml, ExplainedRows, 2)),
            ["multiclass-voting"] = Lazy(ml => ml.MulticlassClassification.Trainers.SoftVotingEnsemble(Multiclass(3), numberOfModels: 3), Digits10, "Score"),
            ["binary-voting"] = Lazy(ml => ml.BinaryClassification.Trainers.SoftVotingEnsemble(Binary(3), numberOfModels: 2), Threes, "Probability"),
            ["regression-voting"] = Lazy(ml => ml.Regression.Trainers.VotingEnsemble(new IEstimator<ITransformer>[]
                { ml.Regression.Trainers.Mlp(Regression(epochs: 20)), ml.Regression.Trainers.Sdca() }), ml => Friedman(ml, 1000, 1), "Score", ml => Friedman(ml, ExplainedRows, 2)),
            ["multiclass-stacking"] = Lazy(ml => ml.MulticlassClassification.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
                { ml.MulticlassClassification.Trainers.Mlp(Multiclass(1)), ml.MulticlassClassification.Trainers.Mlp(Multiclass(2)) }, numberOfFolds: 2), Digits10, "Score"),
            ["regression-stacking"] = Lazy(ml => ml.Regression.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
                { ml.Regression.Trainers.Mlp(Regression(epochs: 10)), ml.Regression.Trainers.Sdca() }, numberOfFolds: 2),
                ml => Friedman(ml, 1000, 1), "Score", ml => Friedman(ml, ExplainedRows, 2)),
            ["binary-stacking"] = Lazy(ml => ml.BinaryClassification.Trainers.StackingEnsemble(new IEstimator<ITransformer>[]
                { ml.BinaryClassification.Trainers.Mlp(Binary(1)), ml.BinaryClassification.Trainers.LbfgsLogisticRegression() }, numberOfFolds: 2), Threes, "Probability"),
        };

        public static IEnumerable<object[]> Kinds => s_cases.Keys.Select(k => new object[] { k });


        public static Case Get(string kind) => s_cases[kind].Value;

        private static IDataView Digits10(MLContext ml) => KeyedDigits(ml, 0, TrainRows);

        private static IDataView Threes(MLContext ml) => BinarySoftVotingEnsembleTests.DigitThrees(ml, 0, TrainRows);

        private static Lazy<Case> Lazy(Func<MLContext, IEstimator<ITransformer>> trainer, Func<MLContext, IDataView> train, string column,
            Func<MLContext, IDataView> explained = null) => new(() =>
        {
            var ml = new MLContext(seed: 1);
            var data = train(ml);
            var model = (ISingleFeaturePredictionTransformer<object>)trainer(ml).Fit(data);
            return new Case(ml, model, explained?.Invoke(ml) ?? ExplainedRowsOf(ml, data), column);
        });

        /// <summary>Rows the models did not train on: digits after the training rows, in the same form.</summary>
        private static IDataView ExplainedRowsOf(MLContext ml, IDataView train) =>
            train.Schema["Label"].Type is BooleanDataViewType
                ? BinarySoftVotingEnsembleTests.DigitThrees(ml, TrainRows, ExplainedRows)
                : KeyedDigits(ml, TrainRows, ExplainedRows);

        /// <summary>The contributions column of <paramref name="data"/> explained by <paramref name="estimator"/>.</summary>
        public static float[][] Contributions(IEstimator<ITransformer> estimator, IDataView data, string column = "FeatureContributions") =>
            Read(estimator.Fit(data).Transform(data), column);

        public static float[][] Read(IDataView data, string column) =>
            data.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().ToArray()).ToArray();

        public static float[][] Features(IDataView data) => Read(data, "Features");

        /// <summary>The explained quantity's column (a vector for multiclass) of each row, scored by the model itself.</summary>
        public static float[][] Outputs(Case c, IDataView data)
        {
            var scored = c.Model.Transform(data);
            return scored.Schema[c.Column].Type is VectorDataViewType ? Read(scored, c.Column)
                : scored.GetColumn<float>(c.Column).Select(v => new[] { v }).ToArray();
        }

        /// <summary>One row holding only <paramref name="features"/>: what a prediction transformer needs to score it.</summary>
        public static IDataView Row(MLContext ml, float[] features)
        {
            var schema = SchemaDefinition.Create(typeof(FeaturesOnly));
            schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features.Length);
            return ml.Data.LoadFromEnumerable(new[] { new FeaturesOnly { Features = features } }, schema);
        }

        /// <summary>Index of the largest value (the predicted class).</summary>
        public static int ArgMax(float[] values) => Array.IndexOf(values, values.Max());

        /// <summary>The model inside the prediction transformer (binary: inside ML.NET's calibrated wrapper).</summary>
        public static object Inner(object model) => model is CalibratedModelParametersBase calibrated ? calibrated.SubModel : model;
    }
}
