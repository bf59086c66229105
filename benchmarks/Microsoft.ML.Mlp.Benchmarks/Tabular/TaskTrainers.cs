using System;
using System.Collections.Generic;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Benchmarks.Tabular
{
    /// <summary>
    /// One task's contenders, each with ML.NET's defaults: the Mlp (plus any <c>--set</c>), LightGbm, FastTree, the linear trainer
    /// (multiclass LbfgsMaximumEntropy, binary LbfgsLogisticRegression, regression Sdca), and this package's voting and stacking
    /// ensembles over given members; and the task's metric (multiclass micro-accuracy, binary AUC, regression R²).
    /// </summary>
    public sealed class TaskTrainers
    {
        private readonly MLContext _ml;
        private readonly string _task;
        private readonly MlpOptionSetter _settings;

        public TaskTrainers(MLContext ml, string task, MlpOptionSetter settings)
        {
            (_ml, _task, _settings) = (ml, task, settings);
        }

        public string Metric => _task switch { "multiclass" => "accuracy", "binary" => "AUC", _ => "R²" };

        /// <summary>The Mlp options' type for this task, to name <c>--set</c> members it lacks.</summary>
        public static Type MlpOptionsType(string task) => task switch
        {
            "multiclass" => typeof(MlpMulticlassTrainer.Options),
            "binary" => typeof(MlpBinaryTrainer.Options),
            _ => typeof(MlpRegressionTrainer.Options),
        };

        public IEstimator<ITransformer> Mlp(int seed) => _task switch
        {
            "multiclass" => _ml.MulticlassClassification.Trainers.Mlp(Options(new MlpMulticlassTrainer.Options(), seed)),
            "binary" => _ml.BinaryClassification.Trainers.Mlp(Options(new MlpBinaryTrainer.Options(), seed)),
            _ => _ml.Regression.Trainers.Mlp(Options(new MlpRegressionTrainer.Options(), seed)),
        };

        /// <summary>The Mlp refitted on all training rows with what <paramref name="first"/> chose (<see cref="MlpRefit"/>).</summary>
        public IEstimator<ITransformer> MlpRefitOf(ITransformer first, int seed) => _task switch
        {
            "multiclass" => _ml.MulticlassClassification.Trainers.Mlp(Refit(Options(new MlpMulticlassTrainer.Options(), seed), first)),
            "binary" => _ml.BinaryClassification.Trainers.Mlp(Refit(Options(new MlpBinaryTrainer.Options(), seed), first)),
            _ => _ml.Regression.Trainers.Mlp(Refit(Options(new MlpRegressionTrainer.Options(), seed), first)),
        };

        private static T Refit<T>(T options, ITransformer first) where T : MlpOptionsBase
        {
            MlpRefit.Apply(first, options);
            return options;
        }

        public IEstimator<ITransformer> LightGbm() => _task switch
        {
            "multiclass" => _ml.MulticlassClassification.Trainers.LightGbm(),
            "binary" => _ml.BinaryClassification.Trainers.LightGbm(),
            _ => _ml.Regression.Trainers.LightGbm(),
        };

        /// <summary>ML.NET has no multiclass FastTree: one-versus-all over the binary one stands in (the table says so).</summary>
        public IEstimator<ITransformer> FastTree() => _task switch
        {
            "multiclass" => _ml.MulticlassClassification.Trainers.OneVersusAll(_ml.BinaryClassification.Trainers.FastTree()),
            "binary" => _ml.BinaryClassification.Trainers.FastTree(),
            _ => _ml.Regression.Trainers.FastTree(),
        };

        public IEstimator<ITransformer> Linear() => _task switch
        {
            "multiclass" => _ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(),
            "binary" => _ml.BinaryClassification.Trainers.LbfgsLogisticRegression(),
            _ => _ml.Regression.Trainers.Sdca(),
        };

        public IEstimator<ITransformer> Voting(IEnumerable<IEstimator<ITransformer>> members) => _task switch
        {
            "multiclass" => _ml.MulticlassClassification.Trainers.SoftVotingEnsemble(members),
            "binary" => _ml.BinaryClassification.Trainers.SoftVotingEnsemble(members),
            _ => _ml.Regression.Trainers.VotingEnsemble(members),
        };

        /// <summary>Default meta-trainer and 5 folds; the fold seed is fixed so a data set's result does not depend on what ran before.</summary>
        public IEstimator<ITransformer> Stacking(IEnumerable<IEstimator<ITransformer>> members) => _task switch
        {
            "multiclass" => _ml.MulticlassClassification.Trainers.StackingEnsemble(members, seed: 0),
            "binary" => _ml.BinaryClassification.Trainers.StackingEnsemble(members, seed: 0),
            _ => _ml.Regression.Trainers.StackingEnsemble(members, seed: 0),
        };

        /// <summary>The task's metric on scored test rows; binary AUC from Score, so no member needs to be calibrated.</summary>
        public double Evaluate(IDataView scored) => _task switch
        {
            "multiclass" => _ml.MulticlassClassification.Evaluate(scored).MicroAccuracy,
            "binary" => _ml.BinaryClassification.EvaluateNonCalibrated(scored).AreaUnderRocCurve,
            _ => _ml.Regression.Evaluate(scored).RSquared,
        };

        /// <summary>The <c>--set</c> assignments first, then the seed, so every seed of a run differs only in its seed.</summary>
        private T Options<T>(T options, int seed) where T : MlpOptionsBase
        {
            _settings.Apply(options);
            options.Seed = seed;
            return options;
        }
    }
}
