using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp.Models
{
    /// <summary>
    /// The one place that knows the model-file format versions (docs/model-format.md). Each model this package saves is an
    /// ML.NET sub-model whose header carries ML.NET's VersionInfo; its version 0x0001000N is our format version N, and the
    /// reader is chosen by it. From version 2 on the payload sits in a block with its own version, length and SHA-256, verified
    /// before a single value is parsed; version 1 (no checksum) still loads, every length checked.
    /// </summary>
    internal static class ModelFormat
    {
        /// <summary>The format this library writes.</summary>
        public const int Current = 5;

        /// <summary>The oldest format this library reads.</summary>
        public const int Oldest = 1;

        /// <summary>High word of ML.NET's version number; the low word is the format version.</summary>
        private const uint VersionBase = 0x0001_0000;

        /// <summary>First 4 bytes of the block (format 2 on): "MLPF" in ASCII.</summary>
        private const int BlockMagic = 0x46504C4D;

        private const int HashBytes = 32; // SHA-256

        /// <summary>ML.NET's header for a model of ours: written and readable as <see cref="Current"/>, reads back to
        /// <see cref="Oldest"/>. The loader assembly name lets a fresh process find our loaders without registration.</summary>
        public static VersionInfo VersionInfo(string modelSignature, string loaderSignature, Type loaderType) =>
            new VersionInfo(modelSignature, verWrittenCur: VersionBase | Current, verReadableCur: VersionBase | Current,
                verWeCanReadBack: VersionBase | Oldest, loaderSignature: loaderSignature, loaderAssemblyName: loaderType.Assembly.FullName);

        /// <summary>
        /// The loader of every model of this package: each model's <c>Create(IHostEnvironment, ModelLoadContext)</c>, which ML.NET
        /// finds through the model's LoadableClass attribute, is this one call. Checks the arguments and the ML.NET version, then
        /// the header's format version (a newer file gets a message naming both versions, before ML.NET's generic one), then runs
        /// <paramref name="read"/> with the format version. Any failure becomes an <see cref="InvalidDataException"/> that names
        /// the model (<typeparamref name="TModel"/>), where it sits in the zip, and that the file is damaged.
        /// </summary>
        /// <param name="env">The environment ML.NET loads with.</param>
        /// <param name="ctx">The model's place in the zip, positioned at its header.</param>
        /// <param name="versionInfo">The model's header (its signature, loader signature and the format versions).</param>
        /// <param name="read">Reads the model's bytes in the given format version (the model's loading constructor).</param>
        /// <exception cref="InvalidDataException">The stored model (or a part of it) is damaged, or cannot be loaded.</exception>
        /// <exception cref="NotSupportedException">The model was saved in a newer format than this library reads.</exception>
        public static TModel Load<TModel>(IHostEnvironment env, ModelLoadContext ctx, Func<VersionInfo> versionInfo, Func<int, TModel> read)
        {
            if (env == null)
                throw new ArgumentNullException(nameof(env));
            if (ctx == null)
                throw new ArgumentNullException(nameof(ctx));
            // First: the reading below names ML.NET internals, which the JIT resolves before a method runs, so on an ML.NET where
            // one moved, only a check made in this method, before that one is called, can give the guard's message.
            MlNetVersionGuard.EnsureSupported();
            return Read(ctx, versionInfo, typeof(TModel).Name, read);
        }

        [MethodImpl(MethodImplOptions.NoInlining)] // see Load: compiled only after the version check ran
        private static T Read<T>(ModelLoadContext ctx, Func<VersionInfo> versionInfo, string model, Func<int, T> read)
        {
            var info = versionInfo();
            int version = CheckVersion(ctx, model);
            try
            {
                ctx.CheckAtModel(info);
                return read(version);
            }
            catch (FormatReader.DamageException ex)
            {
                // Our own checks: the detail says what was wrong; the message says where and what to do.
                throw new InvalidDataException(Corrupt(ctx, model, ex.Message));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException and not NotSupportedException and not InvalidDataException)
            {
                // ML.NET's decode errors (e.g. its own prefix) are damage like ours: their text goes into our message, which
                // stays the innermost one. Anything else is unexpected and keeps its stack as the inner exception.
                var cause = ex.GetBaseException();
                throw new InvalidDataException(Corrupt(ctx, model, cause.Message), cause is FormatException or EndOfStreamException ? null : ex);
            }
        }

        private static int CheckVersion(ModelLoadContext ctx, string model)
        {
            uint written = ctx.Header.ModelVerWritten, readable = ctx.Header.ModelVerReadable;
            if (readable > written || written >> 16 != VersionBase >> 16 || readable >> 16 != VersionBase >> 16 || written < (VersionBase | Oldest))
                throw new InvalidDataException(Corrupt(ctx, model,
                    $"its header's version fields are impossible: written 0x{written:X8}, readable 0x{readable:X8}"));
            if (written > (VersionBase | Current))
                throw new NotSupportedException(
                    $"The {model} at '{Where(ctx)}' was saved in Microsoft.ML.Mlp model format version {written & 0xFFFF} "
                    + $"(readable from version {readable & 0xFFFF}), but this Microsoft.ML.Mlp ({typeof(ModelFormat).Assembly.GetName().Version}) "
                    + $"reads format versions {Oldest} to {Current}. Load it with the Microsoft.ML.Mlp version that saved it, or a newer one.");
            // Every format so far changed the layout, so each was written readable only as itself.
            if (readable != written)
                throw new InvalidDataException(Corrupt(ctx, model,
                    $"its header's version fields disagree: written 0x{written:X8}, readable 0x{readable:X8}"));
            return (int)(written - VersionBase);
        }

        public static string Where(ModelLoadContext ctx) => string.IsNullOrEmpty(ctx.Directory) ? "(root)" : ctx.Directory.Replace('\\', '/');

        /// <summary>The message of every load failure: the model, its place in the zip, what was wrong, what to do.</summary>
        public static string Corrupt(ModelLoadContext ctx, string model, string detail) =>
            $"The model file is corrupt: the {model} at '{Where(ctx)}' is damaged ({detail}). "
            + "The file was changed after it was saved (truncated, overwritten, or altered in transit); "
            + "restore it from a good copy, or save the trained model again.";

        /// <summary>
        /// The rest of this model's bytes in the entry, as a reader over what the payload holds: for format 1 all of it,
        /// from format 2 on the inside of the block once its length and SHA-256 check out. Reads exactly the model's region,
        /// which ML.NET's header bounds by the entry's real size, so nothing is allocated beyond what the file holds.
        /// </summary>
        public static FormatReader ReadPayload(ModelLoadContext ctx, int version)
        {
            long end = ctx.FpMin + ctx.Header.FpModel + ctx.Header.CbModel;
            long remaining = end - ctx.Reader.BaseStream.Position;
            if (remaining < 0 || remaining > int.MaxValue)
                throw FormatReader.Damaged($"the model region's size {remaining} is impossible");
            var bytes = ctx.Reader.ReadBytes((int)remaining);
            if (bytes.Length != remaining)
                throw FormatReader.Damaged($"the entry ends {remaining - bytes.Length} bytes early");
            return version switch
            {
                1 => new FormatReader(bytes, 0, bytes.Length, 1),
                2 or 3 or 4 or 5 => OpenBlock(bytes, version),
                _ => throw new NotSupportedException($"Format version {version} has no reader."),
            };
        }

        /// <summary>Format 2 on: "MLPF" | int32 version | int32 payload length | payload | SHA-256 of all the preceding bytes.</summary>
        private static FormatReader OpenBlock(byte[] bytes, int expectedVersion)
        {
            var head = new FormatReader(bytes, 0, bytes.Length, expectedVersion);
            if (head.ReadInt32("the block's magic number") != BlockMagic)
                throw FormatReader.Damaged("the block does not start with \"MLPF\"");
            int version = head.ReadInt32("the block's format version");
            if (version != expectedVersion)
                throw FormatReader.Damaged($"the block says format version {version} where the header says {expectedVersion}");
            int length = head.ReadInt32("the payload length");
            if (length < 0 || length != head.Remaining - HashBytes)
                throw FormatReader.Damaged($"the payload length is {length} but {head.Remaining - HashBytes} bytes are there");
            int hashed = bytes.Length - HashBytes;
            Span<byte> hash = stackalloc byte[HashBytes];
            SHA256.HashData(bytes.AsSpan(0, hashed), hash);
            if (!hash.SequenceEqual(bytes.AsSpan(hashed)))
                throw FormatReader.Damaged("its SHA-256 checksum does not match its contents");
            return new FormatReader(bytes, hashed - length, length, expectedVersion);
        }

        /// <summary>Writes a current-format block around what <paramref name="writePayload"/> writes.</summary>
        public static void WriteBlock(BinaryWriter writer, Action<BinaryWriter> writePayload)
        {
            using var block = new MemoryStream();
            using (var w = new BinaryWriter(block, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                w.Write(BlockMagic);
                w.Write(Current);
                w.Write(0); // payload length, patched below
                writePayload(w);
            }
            int length = checked((int)block.Length - 3 * sizeof(int));
            var bytes = block.GetBuffer().AsSpan(0, (int)block.Length);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.Slice(2 * sizeof(int)), length);
            writer.Write(bytes);
            writer.Write(SHA256.HashData(bytes));
        }
    }
}
