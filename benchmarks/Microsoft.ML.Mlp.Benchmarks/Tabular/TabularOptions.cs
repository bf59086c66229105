using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.Mlp.Benchmarks.Tabular
{
    /// <summary>Command line of the <c>tabular</c> mode (issue 17): the real-data suite in shared/tabular-suite.</summary>
    public sealed class TabularOptions
    {
        public const string Usage =
            "       Microsoft.ML.Mlp.Benchmarks tabular [--data DIR] [--datasets a,b,c] [--seeds N] [--only mlp] [--set Name=Value]... [--out FILE]\n" +
            "  --data DIR        folder with suite.tsv and NAME-{train,test}.csv (default ../shared/tabular-suite beside the repository root)\n" +
            "  --datasets a,b,c  data sets of suite.tsv to run (default all)\n" +
            "  --seeds N         Mlp seeds 0…N−1, reported as mean ± sd (default 3)\n" +
            "  --only mlp        Mlp, LightGbm and the linear trainer only (no FastTree, voting, stacking)\n" +
            "  --set Name=Value  set a public field or property of the Mlp options before every Mlp fit (repeatable),\n" +
            "                    e.g. --set HiddenLayerSizes=256,256 --set Activation=Selu --set EarlyStoppingPatience=null\n" +
            "  --mkl-products    keep every product in MKL's sgemm (without SgemmReplica: the same results, MKL's speed)\n" +
            "  --out FILE        also write the Markdown table to FILE\n" +
            "  --refit           each Mlp seed fits twice: the defaults (20% held out, best epoch), then on all training rows\n" +
            "                    with the recipe and best epoch count the first fit chose; the Mlp column is the refit (time: both)";

        /// <summary>Null: the default folder, found from the repository root when the run starts.</summary>
        public string DataDirectory { get; private set; }

        /// <summary>Null: every data set of suite.tsv.</summary>
        public IReadOnlyList<string> Datasets { get; private set; }

        public int Seeds { get; private set; } = 3;

        /// <summary>Only Mlp, LightGbm and linear: the quick loop for tuning the Mlp defaults.</summary>
        public bool MlpOnly { get; private set; }

        public MlpOptionSetter Settings { get; } = new();
        public string OutputFile { get; private set; }

        /// <summary>Refit every Mlp on all training rows with the first fit's recipe and best epoch count.</summary>
        public bool Refit { get; private set; }

        public static TabularOptions Parse(string[] args)
        {
            var o = new TabularOptions();
            for (int i = 0; i < args.Length; i++)
            {
                string name = args[i];
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
                switch (name)
                {
                    case "--data": o.DataDirectory = Next(); break;
                    case "--refit": o.Refit = true; break;
                    case "--datasets":
                        o.Datasets = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                        if (o.Datasets.Count == 0)
                            throw new ArgumentException("--datasets needs at least one name.");
                        break;
                    case "--seeds": o.Seeds = CommandLine.Whole(name, Next(), 1); break;
                    case "--only":
                        string only = Next();
                        if (only != "mlp")
                            throw new ArgumentException($"--only takes 'mlp', got '{only}'.");
                        o.MlpOnly = true;
                        break;
                    case "--set": o.Settings.Add(Next()); break;
                    case "--out": o.OutputFile = Next(); break;
                    case "--mkl-products": MklProducts.KeepInMkl(); break;
                    default: throw new ArgumentException($"Unknown argument '{name}'.");
                }
            }
            return o;
        }

        /// <summary>What the table's heading says about this run.</summary>
        public string Describe() =>
            $"{Seeds} Mlp seed(s)" + (MlpOnly ? ", --only mlp" : "") +
            (Settings.Count == 0 ? ", Mlp defaults" : ", Mlp with " + string.Join(" ", Settings.Assignments.Select(a => "--set " + a)));
    }
}
