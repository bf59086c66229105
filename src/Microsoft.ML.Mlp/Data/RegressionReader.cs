using System;
using System.Collections.Generic;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>
    /// Reads regression rows (Single label) into dense training memory with the same cursor and bad-row accounting as
    /// classification (<see cref="TrainingRowCursor"/>); the labels become <see cref="TrainingData.Targets"/>, every class label 0.
    /// </summary>
    internal static class RegressionReader
    {
        public static TrainingData Read(RoleMappedData data, IChannel channel, string trainer)
        {
            var store = DatasetReader.NewStore(data, sparse: false, data.Data.GetRowCount(), trainer);
            var targets = new List<float>();
            using (var cursor = new TrainingRowCursor(data, classCount: 0))
            {
                while (cursor.MoveNextInto(store))
                    targets.Add(cursor.Target);
                cursor.Report(store.RowCount, channel, trainer);
            }
            var read = store.ToTrainingData();
            return read.Sparse != null
                ? new TrainingData(read.Sparse, read.Labels, read.Weights) { Targets = targets.ToArray() }
                : new TrainingData(read.Features, read.Labels, read.Weights, read.RowCount, read.FeatureCount) { Targets = targets.ToArray() };
        }

        /// <summary>Mean and standard deviation of the targets over the rows, unweighted (a constant label gets scale 1), and
        /// the targets rewritten in place as (target − mean) / std.</summary>
        public static (double Mean, double Std) Standardise(float[] targets, int rows)
        {
            double mean = 0, squares = 0;
            for (int i = 0; i < rows; i++)
                mean += targets[i];
            mean /= rows;
            for (int i = 0; i < rows; i++)
                squares += (targets[i] - mean) * (targets[i] - mean);
            double std = Math.Sqrt(squares / rows);
            if (!(std > 1e-12) || double.IsInfinity(std))
                std = 1;
            Apply(targets, rows, mean, std);
            return (mean, std);
        }

        /// <summary>Rewrites targets as (target − mean) / std with a scale found on other rows (validation data).</summary>
        public static void Apply(float[] targets, int rows, double mean, double std)
        {
            for (int i = 0; i < rows; i++)
                targets[i] = (float)((targets[i] - mean) / std);
        }
    }
}
