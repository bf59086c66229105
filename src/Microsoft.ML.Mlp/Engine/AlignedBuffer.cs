using System;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// A float buffer that libtorch reads or writes in place: its first element sits on a 64-byte boundary and never
    /// moves (pinned object heap). Why: MKL's sgemm picks its code path, and with it the summation order, by the
    /// alignment of its operands (seen on AMD EPYC with AVX-512 for narrow outputs such as 10 classes). Managed arrays
    /// start wherever the GC put them, so the same fit gave other bits in another process. With every base aligned and
    /// every offset a function of the options alone, each product sees the same addresses modulo 64 on every run.
    /// </summary>
    internal sealed class AlignedBuffer
    {
        /// <summary>Bytes: a cache line, and the widest vector (AVX-512) any BLAS kernel loads.</summary>
        public const int Alignment = 64;

        private readonly float[] _array;
        private readonly int _origin, _slack;

        /// <param name="length">Floats of the buffer.</param>
        /// <param name="slack">Zeros after them that only <see cref="AsSpanWithSlack"/> reaches: for readers of whole vector
        /// panels (<see cref="BatchKernel"/>) whose last panel runs past the buffer's end.</param>
        public AlignedBuffer(int length, int slack = 0)
        {
            if (length < 0 || slack < 0)
                throw new ArgumentOutOfRangeException(nameof(length));
            _slack = slack;
            _array = GC.AllocateArray<float>(length + slack + Alignment / sizeof(float), pinned: true);
            long address = Marshal.UnsafeAddrOfPinnedArrayElement(_array, 0).ToInt64();
            _origin = (int)((Alignment - address % Alignment) % Alignment) / sizeof(float);
            Length = length;
        }

        public int Length { get; }

        /// <summary>Floats readable from element 0: <see cref="Length"/> plus the slack.</summary>
        public int Capacity => Length + _slack;

        /// <summary>Address of element 0 (aligned; the array is pinned, so it never moves while the buffer lives).</summary>
        public unsafe float* Pointer => (float*)Marshal.UnsafeAddrOfPinnedArrayElement(_array, _origin);

        public ref float this[int index] => ref AsSpan()[index];

        public Span<float> AsSpan() => _array.AsSpan(_origin, Length);

        public Span<float> AsSpan(int start) => AsSpan().Slice(start);

        public Span<float> AsSpan(int start, int length) => AsSpan().Slice(start, length);

        /// <summary>From <paramref name="start"/> to the end of the slack (the slack stays zero unless a caller writes it).</summary>
        public Span<float> AsSpanWithSlack(int start) => _array.AsSpan(_origin, Length + _slack).Slice(start);

        public float[] ToArray() => AsSpan().ToArray();

        /// <summary>
        /// A zero-copy [rows, columns] tensor over elements [offset, offset + rows·columns), or its transpose. The
        /// caller owns (disposes) it; the buffer itself holds no native memory.
        /// </summary>
        public Tensor Matrix(long offset, long rows, long columns, bool transposed = false)
        {
            if (offset < 0 || rows < 0 || columns < 0 || offset + rows * columns > Length)
                throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, {offset + rows * columns}) is outside a buffer of {Length}.");
            using var flat = from_array(_array);
            using var part = flat.narrow(0, _origin + offset, rows * columns);
            using var matrix = part.view(rows, columns);
            return transposed ? matrix.t() : matrix.alias();
        }
    }
}
