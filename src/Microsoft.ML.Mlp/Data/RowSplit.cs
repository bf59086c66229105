namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>
    /// A seeded split decided row by row from the row's position, for data read as a stream (where the stratified split of
    /// in-memory data is not possible): each row is held out with probability <c>fraction</c>, the same rows every epoch.
    /// </summary>
    internal readonly struct RowSplit
    {
        private readonly ulong _seed;
        private readonly ulong _threshold;

        public RowSplit(double fraction, int seed)
        {
            _seed = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL;
            _threshold = (ulong)(fraction * ulong.MaxValue);
        }

        public bool IsValidation(long position) => Mix(_seed ^ (ulong)position) < _threshold;

        /// <summary>SplitMix64's finaliser: a well-spread 64-bit hash.</summary>
        private static ulong Mix(ulong z)
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
