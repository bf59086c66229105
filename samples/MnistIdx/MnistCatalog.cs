using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.Data;
using MnistIdx;

namespace Microsoft.ML
{
    /// <summary>Loading MNIST-format IDX datasets (MNIST, Fashion-MNIST, KMNIST, EMNIST) into an IDataView.</summary>
    public static class MnistCatalog
    {
        /// <summary>One image of an IDX dataset as loaded by <see cref="LoadFromMnistIdx"/>.</summary>
        public sealed class MnistImage
        {
            /// <summary>The class (0–9 for MNIST digits).</summary>
            public float Label;

            /// <summary>Pixels, row-major; 0..1 when normalized, else 0..255.</summary>
            public float[] Features;
        }

        /// <summary>
        /// Reads an IDX images file and its labels file (gzipped or not) into an IDataView with a Single
        /// <c>Label</c> column and a known-size Single vector <c>Features</c> column (rows × columns pixels,
        /// 784 for MNIST). EMNIST files store images transposed; that does not matter to an MLP.
        /// </summary>
        /// <param name="catalog">The data operations catalog (<c>mlContext.Data</c>).</param>
        /// <param name="imagesPath">e.g. <c>train-images-idx3-ubyte.gz</c>.</param>
        /// <param name="labelsPath">e.g. <c>train-labels-idx1-ubyte.gz</c>.</param>
        /// <param name="normalize">Scale pixels from 0..255 to 0..1 (default true, as the Keras recipe does).</param>
        /// <exception cref="InvalidDataException">Wrong magic number, truncated file, or images/labels count mismatch.</exception>
        public static IDataView LoadFromMnistIdx(this DataOperationsCatalog catalog, string imagesPath, string labelsPath, bool normalize = true)
        {
            if (catalog == null)
                throw new ArgumentNullException(nameof(catalog));
            var (pixels, count, rows, columns) = IdxReader.ReadImages(imagesPath);
            var labels = IdxReader.ReadLabels(labelsPath);
            if (labels.Length != count)
                throw new InvalidDataException(
                    $"'{imagesPath}' holds {count} images but '{labelsPath}' holds {labels.Length} labels; pass the labels file that belongs to these images (train with train, t10k with t10k).");

            int size = rows * columns;
            float scale = normalize ? 1f / 255f : 1f;
            var images = new List<MnistImage>(count);
            for (int i = 0; i < count; i++)
            {
                var features = new float[size];
                for (int p = 0; p < size; p++)
                    features[p] = pixels[(long)i * size + p] * scale;
                images.Add(new MnistImage { Label = labels[i], Features = features });
            }
            return catalog.LoadFromEnumerable(images, ImageSchema(size));
        }

        /// <summary>
        /// The schema of <see cref="MnistImage"/> rows with a known-size Features vector — what
        /// <c>LoadFromEnumerable</c> and <c>CreatePredictionEngine&lt;MnistImage, TOut&gt;(model, inputSchemaDefinition: ...)</c> need,
        /// since a plain <c>float[]</c> field has no size.
        /// </summary>
        /// <param name="pixelCount">Length of the Features vector (784 for 28×28 images).</param>
        public static SchemaDefinition ImageSchema(int pixelCount = 784)
        {
            if (pixelCount < 1)
                throw new ArgumentOutOfRangeException(nameof(pixelCount), pixelCount, "pixelCount must be at least 1 (784 for 28×28 images).");
            var schema = SchemaDefinition.Create(typeof(MnistImage));
            schema[nameof(MnistImage.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, pixelCount);
            return schema;
        }
    }
}
