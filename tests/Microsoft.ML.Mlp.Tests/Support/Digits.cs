using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>The 10,000 real MNIST digits shipped in data/mnist-digits, shuffled once with seed 0.</summary>
    internal static class Digits
    {
        public static readonly string ImagesPath = Path.Combine(AppContext.BaseDirectory, "data", "digits-images-idx3-ubyte.gz");
        public static readonly string LabelsPath = Path.Combine(AppContext.BaseDirectory, "data", "digits-labels-idx1-ubyte.gz");

        private static readonly Lazy<MnistCatalog.MnistImage[]> s_shuffled = new(() =>
        {
            var ml = new MLContext(seed: 0);
            var all = ml.Data.CreateEnumerable<MnistCatalog.MnistImage>(ml.Data.LoadFromMnistIdx(ImagesPath, LabelsPath), reuseRowObject: false).ToArray();
            var random = new Random(0);
            for (int i = all.Length - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (all[i], all[j]) = (all[j], all[i]);
            }
            return all;
        });

        /// <summary>Rows [skip, skip + take) of the shuffled digits as an IDataView (Label: Single, Features: 784 Singles).</summary>
        public static IDataView Load(MLContext ml, int skip, int take)
        {
            return ml.Data.LoadFromEnumerable(s_shuffled.Value.Skip(skip).Take(take).ToArray(), MnistCatalog.ImageSchema());
        }

        public static IEnumerable<MnistCatalog.MnistImage> Rows(int skip, int take) => s_shuffled.Value.Skip(skip).Take(take);
    }
}
