using System;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>Command line of the side-by-side run.</summary>
    public sealed class HarnessOptions
    {
        public const string Usage =
            "usage: Microsoft.ML.Mlp.Benchmarks [--data DIR] [--epochs N] [--skip-reference] [--reference-script PATH]\n" +
            "       Microsoft.ML.Mlp.Benchmarks micro [BenchmarkDotNet args, e.g. --filter '*']\n" +
            "       Microsoft.ML.Mlp.Benchmarks load [--data DIR]   IDataView → training memory beside memcpy (issue 10)\n" +
            "       Microsoft.ML.Mlp.Benchmarks onnx [--data DIR] [--epochs N] [--threads N]   bulk scoring rows/s: PredictBatch\n" +
            "                         beside ONNX Runtime on the exported graph, same thread count (issue 12)\n" +
            "       Microsoft.ML.Mlp.Benchmarks explain [--data DIR] [--epochs N] [--threads N] [--rows N]   integrated gradients'\n" +
            "                         rows/s at 32 steps beside scoring the same rows (issue 18)\n" +
            "       Microsoft.ML.Mlp.Benchmarks scoring [--data DIR] [--epochs N] [--maxent]   Transform pass after pass, PredictionEngine latency (issue 19)\n" +
            "       Microsoft.ML.Mlp.Benchmarks first-fit [--data DIR] [--estimator-first]   first Fit in a process against the same Fit again (issue 19)\n" +
            "       Microsoft.ML.Mlp.Benchmarks ensemble-orders [--data DIR] [--epochs N] [--seeds N] [--threads N]   5-member ensemble,\n" +
            "                         independent beside shared batch order: s/epoch and accuracy over N base seeds (issue 19)\n" +
            "  --data DIR        folder with {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz (default /usr/share/datasets/fashion-mnist)\n" +
            "  --epochs N        training epochs for both sides (default 2)\n" +
            "  --skip-reference  measure this library only\n" +
            "  --managed-products  train with ManagedMatrixProducts (the managed AVX-512 kernel instead of MKL's sgemm)\n" +
            "  --mkl-products    keep every product in MKL's sgemm (without SgemmReplica, the managed kernel where it gives MKL's bits)\n" +
            "  --threads N       libtorch threads for this library's training (default 1, as the reference);\n" +
            "                    in the onnx mode also ONNX Runtime's intra-op threads\n" +
            "  --rows N          explain mode: test rows explained (default 2000)\n" +
            "  --seeds N         ensemble-orders mode: base seeds 0…N−1 (default 3)\n" +
            "  --reference-script PATH  run-reference.sh to use (default: the copy next to this program)";

        public string DataDirectory { get; private set; } = "/usr/share/datasets/fashion-mnist";
        public int Epochs { get; private set; } = 2;

        /// <summary>libtorch intra-op threads for our training runs.</summary>
        public int Threads { get; private set; } = 1;
        public bool SkipReference { get; private set; }

        /// <summary>Test rows the explain mode explains and scores.</summary>
        public int Rows { get; private set; } = 2000;
        /// <summary>ensemble-orders mode: base seeds measured.</summary>
        public int Seeds { get; private set; } = 3;
        public string ReferenceScript { get; private set; }
        public bool ShowHelp { get; private set; }

        /// <summary>first-fit mode: build the estimator before reading the data.</summary>
        public bool EstimatorFirst { get; private set; }

        /// <summary>scoring mode: measure LbfgsMaximumEntropy instead of the seed model.</summary>
        public bool MaxEnt { get; private set; }

        public static HarnessOptions Parse(string[] args)
        {
            var o = new HarnessOptions();
            for (int i = 0; i < args.Length; i++)
            {
                string name = args[i];
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
                switch (name)
                {
                    case "--data": o.DataDirectory = Next(); break;
                    case "--epochs": o.Epochs = CommandLine.Whole(name, Next(), 1); break;
                    case "--skip-reference": o.SkipReference = true; break;
                    case "--managed-products": Datasets.ManagedProducts = true; break;
                    case "--mkl-products": MklProducts.KeepInMkl(); break;
                    case "--estimator-first": o.EstimatorFirst = true; break;
                    case "--maxent": o.MaxEnt = true; break;
                    case "--threads": o.Threads = CommandLine.Whole(name, Next(), 1); break;
                    case "--rows": o.Rows = CommandLine.Whole(name, Next(), 1); break;
                    case "--seeds": o.Seeds = CommandLine.Whole(name, Next(), 1); break;
                    case "--reference-script": o.ReferenceScript = Next(); break;
                    case "-h": case "--help": o.ShowHelp = true; break;
                    default: throw new ArgumentException($"Unknown argument '{name}'.");
                }
            }
            return o;
        }
    }
}
