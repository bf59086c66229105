using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Mlp.Benchmarks.Tabular
{
    /// <summary>One fit: the test metric and the seconds <c>Fit</c> took.</summary>
    public sealed record TabularFit(double Score, double Seconds);

    /// <summary>Everything measured on one data set; a trainer that failed or was skipped has no entry.</summary>
    public sealed class TabularResult
    {
        public const string LightGbm = "LightGbm", FastTree = "FastTree", Linear = "linear", Voting = "voting", Stacking = "stacking";

        public TabularResult(TabularDataset dataset, string metric)
        {
            (Dataset, Metric) = (dataset, metric);
        }

        public TabularDataset Dataset { get; }
        public string Metric { get; }

        /// <summary>One entry per Mlp seed that trained.</summary>
        public List<TabularFit> Mlp { get; } = new();

        /// <summary>The other trainers by the names above.</summary>
        public Dictionary<string, TabularFit> Others { get; } = new();

        /// <summary>"trainer: why" for every fit that threw.</summary>
        public List<string> Failures { get; } = new();

        public double? MlpMean => Mlp.Count == 0 ? null : Mlp.Average(f => f.Score);

        /// <summary>Sample standard deviation over the seeds (n − 1); null with fewer than two.</summary>
        public double? MlpStandardDeviation
        {
            get
            {
                if (Mlp.Count < 2)
                    return null;
                double mean = Mlp.Average(f => f.Score);
                return Math.Sqrt(Mlp.Sum(f => (f.Score - mean) * (f.Score - mean)) / (Mlp.Count - 1));
            }
        }

        public double? MlpSeconds => Mlp.Count == 0 ? null : Mlp.Average(f => f.Seconds);

        public double? Score(string trainer) => Others.TryGetValue(trainer, out var fit) ? fit.Score : null;
        public double? Seconds(string trainer) => Others.TryGetValue(trainer, out var fit) ? fit.Seconds : null;
    }
}
