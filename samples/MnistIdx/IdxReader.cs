using System;
using System.IO;
using System.IO.Compression;

namespace MnistIdx
{
    /// <summary>Reads MNIST-format IDX files (images: magic 0x00000803, labels: 0x00000801), gzipped or not.</summary>
    internal static class IdxReader
    {
        public const int ImagesMagic = 0x00000803;
        public const int LabelsMagic = 0x00000801;

        /// <summary>Images as bytes, row-major, plus their dimensions.</summary>
        public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
        {
            var bytes = ReadAll(path, "imagesPath");
            CheckMagic(bytes, ImagesMagic, path, "imagesPath", "an IDX image file (magic 0x00000803, e.g. train-images-idx3-ubyte.gz)");
            if (bytes.Length < 16)
                throw Truncated(path, 16, bytes.Length);
            int count = BigEndian(bytes, 4), rows = BigEndian(bytes, 8), columns = BigEndian(bytes, 12);
            if (count < 0 || rows < 1 || columns < 1)
                throw new InvalidDataException($"IDX image file '{path}' declares {count} images of {rows}×{columns} pixels; the header is corrupt.");
            long expected = 16 + (long)count * rows * columns;
            if (bytes.Length < expected)
                throw Truncated(path, expected, bytes.Length);
            var pixels = new byte[expected - 16];
            Buffer.BlockCopy(bytes, 16, pixels, 0, pixels.Length);
            return (pixels, count, rows, columns);
        }

        /// <summary>Labels as bytes.</summary>
        public static byte[] ReadLabels(string path)
        {
            var bytes = ReadAll(path, "labelsPath");
            CheckMagic(bytes, LabelsMagic, path, "labelsPath", "an IDX label file (magic 0x00000801, e.g. train-labels-idx1-ubyte.gz)");
            if (bytes.Length < 8)
                throw Truncated(path, 8, bytes.Length);
            int count = BigEndian(bytes, 4);
            if (count < 0)
                throw new InvalidDataException($"IDX label file '{path}' declares {count} labels; the header is corrupt.");
            if (bytes.Length < 8L + count)
                throw Truncated(path, 8L + count, bytes.Length);
            var labels = new byte[count];
            Buffer.BlockCopy(bytes, 8, labels, 0, count);
            return labels;
        }

        private static byte[] ReadAll(string path, string parameter)
        {
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
                throw new FileNotFoundException($"{parameter}: IDX file '{path}' does not exist. Pass the path of an MNIST-format file (.gz or uncompressed).", path);
            using var file = File.OpenRead(path);
            var head = new byte[2];
            int read = file.Read(head, 0, 2);
            file.Position = 0;
            bool gzip = read == 2 && head[0] == 0x1f && head[1] == 0x8b;
            using var stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
            using var memory = new MemoryStream();
            try
            {
                stream.CopyTo(memory);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"IDX file '{path}' is a damaged or truncated gzip stream: {e.Message} Download it again.", e);
            }
            return memory.ToArray();
        }

        private static void CheckMagic(byte[] bytes, int expected, string path, string parameter, string what)
        {
            int magic = bytes.Length >= 4 ? BigEndian(bytes, 0) : -1;
            if (magic != expected)
                throw new InvalidDataException(
                    $"{parameter}: '{path}' starts with magic number 0x{magic:X8}, not 0x{expected:X8}; expected {what}."
                    + (magic == (expected == ImagesMagic ? LabelsMagic : ImagesMagic) ? " The images and labels paths look swapped." : ""));
        }

        private static InvalidDataException Truncated(string path, long expected, long actual) =>
            new InvalidDataException($"IDX file '{path}' is truncated: its header promises {expected} bytes but it holds {actual}. Download it again.");

        private static int BigEndian(byte[] b, int offset) => (b[offset] << 24) | (b[offset + 1] << 16) | (b[offset + 2] << 8) | b[offset + 3];
    }
}
