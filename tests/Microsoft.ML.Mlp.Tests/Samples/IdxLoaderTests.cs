using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>mlContext.Data.LoadFromMnistIdx on the shipped digits and on damaged files.</summary>
    public class IdxLoaderTests : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("mlp-idx-").FullName;

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        [Fact]
        public void LoadsTheShippedDigits()
        {
            var ml = new MLContext();
            var data = ml.Data.LoadFromMnistIdx(Digits.ImagesPath, Digits.LabelsPath);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 784), data.Schema["Features"].Type);
            Assert.Equal(NumberDataViewType.Single, data.Schema["Label"].Type);
            var labels = data.GetColumn<float>("Label").ToArray();
            Assert.Equal(10000, labels.Length);
            Assert.Equal(Enumerable.Range(0, 10).Select(d => (float)d), labels.Distinct().OrderBy(l => l));
            var first = data.GetColumn<float[]>("Features").First();
            Assert.InRange(first.Max(), 0.9f, 1f);
            Assert.Equal(0f, first.Min());
        }

        [Fact]
        public void ReadsUncompressedFilesAndRawPixels()
        {
            string images = Path.Combine(_dir, "images"), labels = Path.Combine(_dir, "labels");
            File.WriteAllBytes(images, Idx(0x803, 2, 2, 3, new byte[] { 0, 255, 10, 20, 30, 40, 1, 2, 3, 4, 5, 6 }));
            File.WriteAllBytes(labels, Idx(0x801, 2, null, null, new byte[] { 7, 3 }));
            var ml = new MLContext();
            var data = ml.Data.LoadFromMnistIdx(images, labels, normalize: false);
            Assert.Equal(6, ((VectorDataViewType)data.Schema["Features"].Type).Size);
            Assert.Equal(new[] { 0f, 255, 10, 20, 30, 40 }, data.GetColumn<float[]>("Features").First());
            Assert.Equal(new[] { 7f, 3f }, data.GetColumn<float>("Label"));
        }

        [Fact]
        public void WrongMagicNumberSaysWhatWasExpected()
        {
            var e = Assert.Throws<InvalidDataException>(() => new MLContext().Data.LoadFromMnistIdx(Digits.LabelsPath, Digits.ImagesPath));
            Assert.Contains("0x00000801", e.Message);
            Assert.Contains("0x00000803", e.Message);
            Assert.Contains("swapped", e.Message);
        }

        [Fact]
        public void TruncatedFileIsReported()
        {
            string images = Path.Combine(_dir, "short-images.gz");
            var full = Idx(0x803, 3, 28, 28, new byte[3 * 784]);
            using (var gz = new GZipStream(File.Create(images), CompressionLevel.Fastest))
                gz.Write(full, 0, full.Length - 100);
            var e = Assert.Throws<InvalidDataException>(() => new MLContext().Data.LoadFromMnistIdx(images, Digits.LabelsPath));
            Assert.Contains("truncated", e.Message);
            Assert.Contains(images, e.Message);
        }

        [Fact]
        public void ImageAndLabelCountsMustMatch()
        {
            string labels = Path.Combine(_dir, "labels");
            File.WriteAllBytes(labels, Idx(0x801, 5, null, null, new byte[5]));
            var e = Assert.Throws<InvalidDataException>(() => new MLContext().Data.LoadFromMnistIdx(Digits.ImagesPath, labels));
            Assert.Contains("10000 images", e.Message);
            Assert.Contains("5 labels", e.Message);
        }

        [Fact]
        public void MissingFileIsNamed()
        {
            var e = Assert.Throws<FileNotFoundException>(() => new MLContext().Data.LoadFromMnistIdx(Path.Combine(_dir, "nope.gz"), Digits.LabelsPath));
            Assert.Contains("nope.gz", e.Message);
        }

        private static byte[] Idx(int magic, int count, int? rows, int? columns, byte[] payload)
        {
            var header = new[] { magic, count }.Concat(rows.HasValue ? new[] { rows.Value, columns.Value } : Array.Empty<int>())
                .SelectMany(v => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v });
            return header.Concat(payload).ToArray();
        }
    }
}
