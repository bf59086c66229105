using System.Collections.Generic;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.Mlp;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML
{
    /// <summary>Entry points of Microsoft.ML.Mlp on <c>mlContext.MulticlassClassification.Trainers</c>,
    /// <c>mlContext.BinaryClassification.Trainers</c> and <c>mlContext.Regression.Trainers</c>.</summary>
    public static class MlpCatalog
    {
        /// <summary>The simple overloads' options, the same for every task: what is not given is chosen from the data.</summary>
        private static TOptions SimpleOptions<TOptions>(TOptions options, string labelColumnName, string featureColumnName, string exampleWeightColumnName,
            int[] hiddenLayerSizes, int? numberOfEpochs, int? batchSize, float? learningRate)
            where TOptions : MlpOptionsBase
        {
            options.LabelColumnName = labelColumnName;
            options.FeatureColumnName = featureColumnName;
            options.ExampleWeightColumnName = exampleWeightColumnName;
            options.NumberOfEpochs = numberOfEpochs;
            options.BatchSize = batchSize;
            options.LearningRate = learningRate;
            options.HiddenLayerSizes = hiddenLayerSizes;
            return options;
        }

        /// <summary>
        /// Creates a <see cref="MlpMulticlassTrainer"/>: a multilayer perceptron (TorchSharp) predicting a key-typed label
        /// from a known-size Single vector.
        /// </summary>
        /// <param name="catalog">The multiclass classification trainers catalog.</param>
        /// <param name="labelColumnName">Key-typed label column (use MapValueToKey).</param>
        /// <param name="featureColumnName">Known-size vector of Single.</param>
        /// <param name="exampleWeightColumnName">Optional Single column scaling each row's loss.</param>
        /// <param name="hiddenLayerSizes">Width of each hidden layer; null = chosen from the data.</param>
        /// <param name="numberOfEpochs">Passes over the training data at most; null = chosen from the data.</param>
        /// <param name="batchSize">Rows per mini-batch; null = chosen from the data.</param>
        /// <param name="learningRate">Learning rate; null = chosen from the data.</param>
        /// <example><code>
        /// var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
        ///     .Append(ml.MulticlassClassification.Trainers.Mlp(numberOfEpochs: 20))
        ///     .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        /// </code></example>
        public static MlpMulticlassTrainer Mlp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
            string labelColumnName = "Label", string featureColumnName = "Features", string exampleWeightColumnName = null,
            int[] hiddenLayerSizes = null, int? numberOfEpochs = null, int? batchSize = null, float? learningRate = null)
            => new MlpMulticlassTrainer(MlNetBridge.GetEnvironment(catalog),
                SimpleOptions(new MlpMulticlassTrainer.Options(), labelColumnName, featureColumnName, exampleWeightColumnName, hiddenLayerSizes, numberOfEpochs, batchSize, learningRate));

        /// <summary>Creates a <see cref="MlpMulticlassTrainer"/> with every option.</summary>
        /// <param name="catalog">The multiclass classification trainers catalog.</param>
        /// <param name="options">Trainer options; see <see cref="MlpMulticlassTrainer.Options"/>.</param>
        public static MlpMulticlassTrainer Mlp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, MlpMulticlassTrainer.Options options) =>
            new MlpMulticlassTrainer(MlNetBridge.GetEnvironment(catalog), options);

        /// <summary>
        /// Creates a <see cref="MulticlassSoftVotingEnsembleTrainer"/> of <paramref name="numberOfModels"/> copies of one MLP recipe, soft-voted
        /// (the seed recipe: five MLPs, probabilities averaged). The copies train together as one fused network; member i is seeded
        /// from the base seed (<see cref="MlpOptionsBase.Seed"/>, else the MLContext's) and i.
        /// </summary>
        /// <param name="catalog">The multiclass classification trainers catalog.</param>
        /// <param name="memberOptions">The recipe every member follows (column names included).</param>
        /// <param name="numberOfModels">Number of members, ≥ 1.</param>
        /// <param name="weights">One non-negative weight per member (normalised to sum 1); null = equal weights.</param>
        /// <example><code>
        /// ml.MulticlassClassification.Trainers.SoftVotingEnsemble(new MlpMulticlassTrainer.Options { NumberOfEpochs = 100 }, numberOfModels: 5)
        /// </code></example>
        public static MulticlassSoftVotingEnsembleTrainer SoftVotingEnsemble(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
            MlpMulticlassTrainer.Options memberOptions, int numberOfModels = 5, float[] weights = null) =>
            new MulticlassSoftVotingEnsembleTrainer(MlNetBridge.GetEnvironment(catalog), memberOptions, numberOfModels, weights);

        /// <summary>
        /// Creates a <see cref="MulticlassSoftVotingEnsembleTrainer"/> over any ML.NET multiclass trainers side by side (like scikit-learn's
        /// VotingClassifier), e.g. Mlp + LbfgsMaximumEntropy + LightGbm. Every member must output class probabilities and read the
        /// same label and feature columns.
        /// </summary>
        /// <param name="catalog">The multiclass classification trainers catalog.</param>
        /// <param name="members">The member trainers.</param>
        /// <param name="weights">One non-negative weight per member (normalised to sum 1); null = equal weights.</param>
        /// <param name="labelColumnName">Key-typed label column shared by the members.</param>
        /// <param name="featureColumnName">Feature vector column shared by the members.</param>
        public static MulticlassSoftVotingEnsembleTrainer SoftVotingEnsemble(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
            IEnumerable<IEstimator<ITransformer>> members, float[] weights = null, string labelColumnName = "Label", string featureColumnName = "Features") =>
            new MulticlassSoftVotingEnsembleTrainer(MlNetBridge.GetEnvironment(catalog), members, weights, labelColumnName, featureColumnName);

        /// <summary>
        /// Creates a <see cref="MlpBinaryTrainer"/>: a multilayer perceptron (TorchSharp) predicting a Boolean label from a
        /// known-size Single vector, with Score (logit), Probability and PredictedLabel as <c>LbfgsLogisticRegression</c> gives them.
        /// </summary>
        /// <param name="catalog">The binary classification trainers catalog.</param>
        /// <param name="labelColumnName">Boolean label column (ConvertType or a CustomMapping makes one).</param>
        /// <param name="featureColumnName">Known-size vector of Single.</param>
        /// <param name="exampleWeightColumnName">Optional Single column scaling each row's loss.</param>
        /// <param name="hiddenLayerSizes">Width of each hidden layer; null = chosen from the data.</param>
        /// <param name="numberOfEpochs">Passes over the training data at most; null = chosen from the data.</param>
        /// <param name="batchSize">Rows per mini-batch; null = chosen from the data.</param>
        /// <param name="learningRate">Learning rate; null = chosen from the data.</param>
        /// <example><code>
        /// var model = ml.BinaryClassification.Trainers.Mlp(hiddenLayerSizes: new[] { 32, 32 }, numberOfEpochs: 20).Fit(train);
        /// var metrics = ml.BinaryClassification.Evaluate(model.Transform(test)); // AUC, accuracy, log-loss
        /// </code></example>
        public static MlpBinaryTrainer Mlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
            string labelColumnName = "Label", string featureColumnName = "Features", string exampleWeightColumnName = null,
            int[] hiddenLayerSizes = null, int? numberOfEpochs = null, int? batchSize = null, float? learningRate = null)
            => new MlpBinaryTrainer(MlNetBridge.GetEnvironment(catalog),
                SimpleOptions(new MlpBinaryTrainer.Options(), labelColumnName, featureColumnName, exampleWeightColumnName, hiddenLayerSizes, numberOfEpochs, batchSize, learningRate));

        /// <summary>Creates a <see cref="MlpBinaryTrainer"/> with every option.</summary>
        /// <param name="catalog">The binary classification trainers catalog.</param>
        /// <param name="options">Trainer options; see <see cref="MlpBinaryTrainer.Options"/> and <see cref="MlpOptionsBase"/>.</param>
        public static MlpBinaryTrainer Mlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, MlpBinaryTrainer.Options options) =>
            new MlpBinaryTrainer(MlNetBridge.GetEnvironment(catalog), options);

        /// <summary>
        /// Creates a <see cref="BinarySoftVotingEnsembleTrainer"/> of <paramref name="numberOfModels"/> copies of one binary MLP recipe,
        /// soft-voted: Probability is the weighted average of the members' probabilities of true, Score its logit. The copies train
        /// together as one fused network; member i is seeded from the base seed (<see cref="MlpOptionsBase.Seed"/>, else the
        /// MLContext's) and i.
        /// </summary>
        /// <param name="catalog">The binary classification trainers catalog.</param>
        /// <param name="memberOptions">The recipe every member follows (column names included).</param>
        /// <param name="numberOfModels">Number of members, ≥ 1.</param>
        /// <param name="weights">One non-negative weight per member (normalised to sum 1); null = equal weights.</param>
        /// <example><code>
        /// var model = ml.BinaryClassification.Trainers.SoftVotingEnsemble(new MlpBinaryTrainer.Options { HiddenLayerSizes = new[] { 32 } }, numberOfModels: 5).Fit(train);
        /// var metrics = ml.BinaryClassification.Evaluate(model.Transform(test)); // AUC, accuracy, log-loss
        /// </code></example>
        public static BinarySoftVotingEnsembleTrainer SoftVotingEnsemble(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
            MlpBinaryTrainer.Options memberOptions, int numberOfModels = 5, float[] weights = null) =>
            new BinarySoftVotingEnsembleTrainer(MlNetBridge.GetEnvironment(catalog), memberOptions, numberOfModels, weights);

        /// <summary>
        /// Creates a <see cref="BinarySoftVotingEnsembleTrainer"/> over any calibrated ML.NET binary trainers side by side (like
        /// scikit-learn's VotingClassifier(voting='soft')), e.g. Mlp + LbfgsLogisticRegression + LightGbm. Every member must give a
        /// probability (a calibrated trainer) and read the ensemble's label and feature columns.
        /// </summary>
        /// <param name="catalog">The binary classification trainers catalog.</param>
        /// <param name="members">The member trainers.</param>
        /// <param name="weights">One non-negative weight per member (normalised to sum 1); null = equal weights.</param>
        /// <param name="labelColumnName">Boolean label column shared by the members.</param>
        /// <param name="featureColumnName">Feature vector column shared by the members.</param>
        public static BinarySoftVotingEnsembleTrainer SoftVotingEnsemble(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
            IEnumerable<IEstimator<ITransformer>> members, float[] weights = null, string labelColumnName = "Label", string featureColumnName = "Features") =>
            new BinarySoftVotingEnsembleTrainer(MlNetBridge.GetEnvironment(catalog), members, weights, labelColumnName, featureColumnName);

        /// <summary>
        /// Creates a <see cref="MlpRegressionTrainer"/>: a multilayer perceptron (TorchSharp) predicting a Single label from a
        /// known-size Single vector (squared loss), with a Score column in the label's units.
        /// </summary>
        /// <param name="catalog">The regression trainers catalog.</param>
        /// <param name="labelColumnName">Single label column (ConvertType makes one).</param>
        /// <param name="featureColumnName">Known-size vector of Single.</param>
        /// <param name="exampleWeightColumnName">Optional Single column scaling each row's loss.</param>
        /// <param name="hiddenLayerSizes">Width of each hidden layer; null = chosen from the data.</param>
        /// <param name="numberOfEpochs">Passes over the training data at most; null = chosen from the data.</param>
        /// <param name="batchSize">Rows per mini-batch; null = chosen from the data.</param>
        /// <param name="learningRate">Learning rate; null = chosen from the data.</param>
        /// <example><code>
        /// var model = ml.Regression.Trainers.Mlp(hiddenLayerSizes: new[] { 64, 64 }, numberOfEpochs: 100).Fit(train);
        /// var metrics = ml.Regression.Evaluate(model.Transform(test)); // R², RMSE, MAE
        /// </code></example>
        public static MlpRegressionTrainer Mlp(this RegressionCatalog.RegressionTrainers catalog,
            string labelColumnName = "Label", string featureColumnName = "Features", string exampleWeightColumnName = null,
            int[] hiddenLayerSizes = null, int? numberOfEpochs = null, int? batchSize = null, float? learningRate = null)
            => new MlpRegressionTrainer(MlNetBridge.GetEnvironment(catalog),
                SimpleOptions(new MlpRegressionTrainer.Options(), labelColumnName, featureColumnName, exampleWeightColumnName, hiddenLayerSizes, numberOfEpochs, batchSize, learningRate));

        /// <summary>Creates a <see cref="MlpRegressionTrainer"/> with every option.</summary>
        /// <param name="catalog">The regression trainers catalog.</param>
        /// <param name="options">Trainer options; see <see cref="MlpRegressionTrainer.Options"/> and <see cref="MlpOptionsBase"/>.</param>
        public static MlpRegressionTrainer Mlp(this RegressionCatalog.RegressionTrainers catalog, MlpRegressionTrainer.Options options) =>
            new MlpRegressionTrainer(MlNetBridge.GetEnvironment(catalog), options);

        /// <summary>
        /// Creates a <see cref="RegressionVotingEnsembleTrainer"/> of <paramref name="numberOfModels"/> copies of one regression MLP
        /// recipe: Score is the weighted mean of the members' scores (scikit-learn's VotingRegressor). The copies train together as
        /// one fused network; member i is seeded from the base seed (<see cref="MlpOptionsBase.Seed"/>, else the MLContext's) and i.
        /// </summary>
        /// <param name="catalog">The regression trainers catalog.</param>
        /// <param name="memberOptions">The recipe every member follows (column names included).</param>
        /// <param name="numberOfModels">Number of members, ≥ 1.</param>
        /// <param name="weights">One non-negative weight per member (normalised to sum 1); null = equal weights.</param>
        /// <example><code>
        /// var model = ml.Regression.Trainers.VotingEnsemble(new MlpRegressionTrainer.Options { HiddenLayerSizes = new[] { 64, 64 } }, numberOfModels: 5).Fit(train);
        /// var metrics = ml.Regression.Evaluate(model.Transform(test)); // R², RMSE, MAE
        /// </code></example>
        public static RegressionVotingEnsembleTrainer VotingEnsemble(this RegressionCatalog.RegressionTrainers catalog,
            MlpRegressionTrainer.Options memberOptions, int numberOfModels = 5, float[] weights = null) =>
            new RegressionVotingEnsembleTrainer(MlNetBridge.GetEnvironment(catalog), memberOptions, numberOfModels, weights);

        /// <summary>
        /// Creates a <see cref="RegressionVotingEnsembleTrainer"/> over any ML.NET regression trainers side by side (like scikit-learn's
        /// VotingRegressor), e.g. Mlp + Sdca + FastTree: Score is the weighted mean of their scores. Every member must read the
        /// ensemble's label and feature columns.
        /// </summary>
        /// <param name="catalog">The regression trainers catalog.</param>
        /// <param name="members">The member trainers.</param>
        /// <param name="weights">One non-negative weight per member (normalised to sum 1); null = equal weights.</param>
        /// <param name="labelColumnName">Single label column shared by the members.</param>
        /// <param name="featureColumnName">Feature vector column shared by the members.</param>
        public static RegressionVotingEnsembleTrainer VotingEnsemble(this RegressionCatalog.RegressionTrainers catalog,
            IEnumerable<IEstimator<ITransformer>> members, float[] weights = null, string labelColumnName = "Label", string featureColumnName = "Features") =>
            new RegressionVotingEnsembleTrainer(MlNetBridge.GetEnvironment(catalog), members, weights, labelColumnName, featureColumnName);

        /// <summary>The stacking entry points' column names, checked before the default meta-model is made from them.</summary>
        private static (string Label, string Features) StackingColumns(string labelColumnName, string featureColumnName) =>
            (MemberSource.CheckColumn(labelColumnName, nameof(labelColumnName), "label", "Label"),
             MemberSource.CheckColumn(featureColumnName, nameof(featureColumnName), "feature vector", "Features"));

        // ---- Stacking ensembles (scikit-learn's StackingClassifier / StackingRegressor), one entry point per task ----

        /// <summary>
        /// Creates a <see cref="MulticlassStackingEnsembleTrainer"/>: any ML.NET multiclass trainers stacked like scikit-learn's
        /// StackingClassifier. Each member is trained <paramref name="numberOfFolds"/> times (stratified folds, seeded) and predicts
        /// the fold it did not see; a meta-model learns from those out-of-fold class probabilities (all classes of every member)
        /// how to combine the members; the members are then refitted on all rows.
        /// </summary>
        /// <param name="catalog">The multiclass classification trainers catalog.</param>
        /// <param name="members">Two or more multiclass trainers reading <paramref name="labelColumnName"/> and <paramref name="featureColumnName"/>.</param>
        /// <param name="metaTrainer">A multiclass trainer reading <paramref name="labelColumnName"/> and a feature column named
        /// <paramref name="featureColumnName"/> that holds the members' probabilities; null = <c>LbfgsMaximumEntropy</c> (L2-regularised).</param>
        /// <param name="numberOfFolds">Folds of the out-of-fold predictions, ≥ 2 and at most the number of rows.</param>
        /// <param name="labelColumnName">Key-typed label column shared by the members and the meta-model.</param>
        /// <param name="featureColumnName">Feature vector column of the members (and name of the meta-model's input column).</param>
        /// <param name="seed">Seed of the fold assignment; null = from the MLContext's seed.</param>
        /// <example><code>
        /// var stacking = ml.MulticlassClassification.Trainers.StackingEnsemble(new IEstimator&lt;ITransformer&gt;[]
        ///     { ml.MulticlassClassification.Trainers.Mlp(numberOfEpochs: 20), ml.MulticlassClassification.Trainers.LightGbm() });
        /// </code></example>
        public static MulticlassStackingEnsembleTrainer StackingEnsemble(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
            IEnumerable<IEstimator<ITransformer>> members, IEstimator<ITransformer> metaTrainer = null, int numberOfFolds = 5,
            string labelColumnName = "Label", string featureColumnName = "Features", int? seed = null)
        {
            var (label, features) = StackingColumns(labelColumnName, featureColumnName);
            return new MulticlassStackingEnsembleTrainer(MlNetBridge.GetEnvironment(catalog), members,
                // One thread: L-BFGS sums its gradient in thread order, and the ensemble must be reproducible.
                metaTrainer ?? catalog.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
                    { LabelColumnName = label, FeatureColumnName = features, NumberOfThreads = 1 }),
                numberOfFolds, label, features, seed);
        }

        /// <summary>
        /// Creates a <see cref="BinaryStackingEnsembleTrainer"/>: calibrated ML.NET binary trainers stacked like scikit-learn's
        /// StackingClassifier. A meta-model learns from the members' out-of-fold probabilities of true (stratified folds, seeded);
        /// the members are then refitted on all rows. Score is the logit of the meta-model's probability, Probability that probability.
        /// </summary>
        /// <param name="catalog">The binary classification trainers catalog.</param>
        /// <param name="members">Two or more calibrated binary trainers (they must give a probability) reading <paramref name="labelColumnName"/> and <paramref name="featureColumnName"/>.</param>
        /// <param name="metaTrainer">A calibrated binary trainer reading <paramref name="labelColumnName"/> and a feature column named
        /// <paramref name="featureColumnName"/> that holds the members' probabilities; null = <c>LbfgsLogisticRegression</c> (L2-regularised).</param>
        /// <param name="numberOfFolds">Folds of the out-of-fold predictions, ≥ 2 and at most the number of rows.</param>
        /// <param name="labelColumnName">Boolean label column shared by the members and the meta-model.</param>
        /// <param name="featureColumnName">Feature vector column of the members (and name of the meta-model's input column).</param>
        /// <param name="seed">Seed of the fold assignment; null = from the MLContext's seed.</param>
        public static BinaryStackingEnsembleTrainer StackingEnsemble(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
            IEnumerable<IEstimator<ITransformer>> members, IEstimator<ITransformer> metaTrainer = null, int numberOfFolds = 5,
            string labelColumnName = "Label", string featureColumnName = "Features", int? seed = null)
        {
            var (label, features) = StackingColumns(labelColumnName, featureColumnName);
            return new BinaryStackingEnsembleTrainer(MlNetBridge.GetEnvironment(catalog), members,
                metaTrainer ?? catalog.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                    { LabelColumnName = label, FeatureColumnName = features, NumberOfThreads = 1 }),
                numberOfFolds, label, features, seed);
        }

        /// <summary>
        /// Creates a <see cref="RegressionStackingEnsembleTrainer"/>: any ML.NET regression trainers stacked like scikit-learn's
        /// StackingRegressor. A meta-model learns from the members' out-of-fold scores (shuffled folds, seeded); the members are
        /// then refitted on all rows.
        /// </summary>
        /// <param name="catalog">The regression trainers catalog.</param>
        /// <param name="members">Two or more regression trainers reading <paramref name="labelColumnName"/> and <paramref name="featureColumnName"/>.</param>
        /// <param name="metaTrainer">A regression trainer reading <paramref name="labelColumnName"/> and a feature column named
        /// <paramref name="featureColumnName"/> that holds the members' scores; null = <c>Sdca</c> (squared loss, L2-regularised).</param>
        /// <param name="numberOfFolds">Folds of the out-of-fold predictions, ≥ 2 and at most the number of rows.</param>
        /// <param name="labelColumnName">Single label column shared by the members and the meta-model.</param>
        /// <param name="featureColumnName">Feature vector column of the members (and name of the meta-model's input column).</param>
        /// <param name="seed">Seed of the fold assignment; null = from the MLContext's seed.</param>
        public static RegressionStackingEnsembleTrainer StackingEnsemble(this RegressionCatalog.RegressionTrainers catalog,
            IEnumerable<IEstimator<ITransformer>> members, IEstimator<ITransformer> metaTrainer = null, int numberOfFolds = 5,
            string labelColumnName = "Label", string featureColumnName = "Features", int? seed = null)
        {
            var (label, features) = StackingColumns(labelColumnName, featureColumnName);
            return new RegressionStackingEnsembleTrainer(MlNetBridge.GetEnvironment(catalog), members,
                // One thread: SDCA's parallel updates race, and the ensemble must be reproducible.
                metaTrainer ?? catalog.Sdca(new SdcaRegressionTrainer.Options
                    { LabelColumnName = label, FeatureColumnName = features, NumberOfThreads = 1 }),
                numberOfFolds, label, features, seed);
        }
    }
}
