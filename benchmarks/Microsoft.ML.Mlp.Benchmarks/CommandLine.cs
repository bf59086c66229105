using System;
using System.Globalization;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>What every mode's argument parser shares.</summary>
    internal static class CommandLine
    {
        /// <summary><paramref name="value"/> as a whole number ≥ <paramref name="minimum"/>, or an error naming the option, the value and the range.</summary>
        public static int Whole(string name, string value, int minimum) =>
            int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= minimum
                ? n
                : throw new ArgumentException($"{name} needs a whole number ≥ {minimum}, got '{value}'.");
    }
}
