using System;
using System.Buffers.Binary;
using System.IO;

namespace Microsoft.ML.Trainers.Mlp.Models
{
    /// <summary>
    /// Reads little-endian values from bytes already in memory, checking every read and every length against what is
    /// left before anything is allocated: a damaged length fails here instead of asking for gigabytes or reading past
    /// the end. Every failure is a <see cref="DamageException"/> whose message says what was being read; ModelFormat.Load
    /// turns it into the user's <see cref="InvalidDataException"/> naming the model.
    /// </summary>
    internal sealed class FormatReader
    {
        private readonly byte[] _bytes;
        private readonly int _end;
        private int _position;

        public FormatReader(byte[] bytes, int start, int length, int formatVersion)
        {
            _bytes = bytes;
            _position = start;
            _end = start + length;
            FormatVersion = formatVersion;
        }

        /// <summary>The format version the bytes were written in: payload readers lay out what they read by it.</summary>
        public int FormatVersion { get; }

        /// <summary>Bytes not read yet.</summary>
        public int Remaining => _end - _position;

        public ReadOnlySpan<byte> ReadBytes(int count, string what)
        {
            if (count < 0 || count > Remaining)
                throw Damaged($"{what} needs {count} bytes but only {Remaining} remain");
            var span = _bytes.AsSpan(_position, count);
            _position += count;
            return span;
        }

        public int ReadInt32(string what) => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(sizeof(int), what));

        public long ReadInt64(string what) => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(sizeof(long), what));

        public float ReadSingle(string what) => BinaryPrimitives.ReadSingleLittleEndian(ReadBytes(sizeof(float), what));

        public double ReadDouble(string what) => BinaryPrimitives.ReadDoubleLittleEndian(ReadBytes(sizeof(double), what));

        /// <summary>A .NET BinaryWriter boolean: exactly 0 or 1 (anything else is damage, not "true").</summary>
        public bool ReadBoolean(string what)
        {
            byte b = ReadBytes(1, what)[0];
            return b switch
            {
                0 => false,
                1 => true,
                _ => throw Damaged($"{what} is the byte {b}, neither 0 nor 1"),
            };
        }

        /// <summary>A count of items of <paramref name="itemBytes"/> bytes each that must still fit in what remains.</summary>
        public int ReadCount(int itemBytes, string what)
        {
            int count = ReadInt32(what);
            if (count < 0 || (long)count * itemBytes > Remaining)
                throw Damaged($"{what} is {count}, more than the {Remaining} remaining bytes can hold");
            return count;
        }

        /// <summary>An array written as its length then its values, whose length must be <paramref name="expected"/>.</summary>
        public float[] ReadFloatArray(long expected, string what)
        {
            int length = ReadInt32(what + " length");
            if (length != expected)
                throw Damaged($"{what} holds {length} values where the architecture needs {expected}");
            if ((long)length * sizeof(float) > Remaining)
                throw Damaged($"{what} needs {(long)length * sizeof(float)} bytes but only {Remaining} remain");
            var bytes = ReadBytes(length * sizeof(float), what);
            var values = new float[length];
            bytes.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            if (!BitConverter.IsLittleEndian)
                for (int i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * sizeof(float)));
            return values;
        }

        /// <summary><paramref name="count"/> float32 values (their count already read and checked).</summary>
        public float[] ReadFloatArrayOf(int count, string what)
        {
            var bytes = ReadBytes(count * sizeof(float), what);
            var values = new float[count];
            for (int i = 0; i < count; i++)
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * sizeof(float)));
            return values;
        }

        /// <summary>Everything must have been read: trailing bytes mean the layout is not the one we think.</summary>
        public void ExpectEnd(string what)
        {
            if (Remaining != 0)
                throw Damaged($"{Remaining} unexpected bytes follow the {what}");
        }

        public static DamageException Damaged(string detail) => new(detail);

        /// <summary>What a check found wrong, before ModelFormat.Load says which model and what to do; never leaves the library.</summary>
        internal sealed class DamageException : Exception
        {
            public DamageException(string detail) : base(detail)
            {
            }
        }
    }
}
