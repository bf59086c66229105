using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>A model zip as editable entries: open, change one entry's bytes, write it back, load it.</summary>
    internal sealed class ModelZip
    {
        /// <summary>ML.NET's sub-model header: 256 bytes; region offset/size at 16/24, model signature and versions at 64/72/76.</summary>
        public const int HeaderSize = 256;

        /// <summary>The model signatures of the models this package writes.</summary>
        private static readonly string[] OurSignatures = { "MLP\0MCLS", "MLP\0BINR", "MLP\0REGR", "SOFTVOTE", "VOTE\0BIN", "VOTE\0REG" };

        public ModelZip(IEnumerable<(string Name, byte[] Bytes)> entries) => Entries = entries.ToList();

        public List<(string Name, byte[] Bytes)> Entries { get; }

        public static ModelZip Open(Stream zip)
        {
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
            return new ModelZip(archive.Entries.Select(e =>
            {
                using var s = e.Open();
                var copy = new MemoryStream();
                s.CopyTo(copy);
                return (e.FullName, copy.ToArray());
            }).ToArray());
        }

        public static ModelZip Open(string path)
        {
            using var file = File.OpenRead(path);
            return Open(file);
        }

        public byte[] this[string name] => Entries.Single(e => e.Name == name).Bytes;

        /// <summary>The Model.key entries whose header names one of our models (MLP or soft-voting ensemble).</summary>
        public IEnumerable<string> OurModelEntries() =>
            Entries.Where(e => e.Name.EndsWith("Model.key", StringComparison.Ordinal) && OurSignatures.Contains(Signature(e.Bytes))).Select(e => e.Name);

        public static string Signature(byte[] entry) => entry.Length >= 72 ? Encoding.ASCII.GetString(entry, 64, 8) : "";

        /// <summary>[start, end) of the bytes the model's loader reads (after ML.NET's header, before its string table).</summary>
        public static (int Start, int End) ModelRegion(byte[] entry) =>
            ((int)BinaryPrimitives.ReadInt64LittleEndian(entry.AsSpan(16)),
             (int)(BinaryPrimitives.ReadInt64LittleEndian(entry.AsSpan(16)) + BinaryPrimitives.ReadInt64LittleEndian(entry.AsSpan(24))));

        /// <summary>This zip with one entry's bytes replaced, as a fresh stream positioned at 0.</summary>
        public MemoryStream With(string name, byte[] bytes)
        {
            var stream = new MemoryStream();
            using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
                foreach (var (entryName, entryBytes) in Entries)
                {
                    using var s = archive.CreateEntry(entryName, CompressionLevel.NoCompression).Open();
                    s.Write(entryName == name ? bytes : entryBytes);
                }
            stream.Position = 0;
            return stream;
        }

        /// <summary>Every message in an exception chain, outermost first (ML.NET wraps loader errors in reflection exceptions).</summary>
        public static string Messages(Exception ex)
        {
            var text = new StringBuilder();
            for (var e = ex; e != null; e = e.InnerException)
                text.Append(e.GetType().Name).Append(": ").Append(e.Message).Append('\n');
            return text.ToString();
        }
    }
}
