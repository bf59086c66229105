using System.Globalization;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Mlp.Benchmarks
{
    /// <summary>
    /// The trainer's own account of IDataView → training memory. The reader is internal, so its time is read from the
    /// line it logs (<c>read N rows × W features into M MB in S s (G GB/s)</c>), which times exactly the read and
    /// nothing of the network set-up.
    /// </summary>
    public sealed class ReaderLog
    {
        private static readonly Regex s_line = new(@"read (\d+) rows × (\d+) features into ([\d.]+) MB in ([\d.]+) s",
            RegexOptions.CultureInvariant);

        /// <summary>Seconds of the last read logged; null until one was.</summary>
        public double? Seconds { get; private set; }

        /// <summary>Bytes written into training memory by the last read.</summary>
        public double Bytes { get; private set; }

        /// <summary>Starts listening to <paramref name="ml"/>'s log.</summary>
        public static ReaderLog Attach(MLContext ml)
        {
            var log = new ReaderLog();
            ml.Log += (_, e) =>
            {
                var match = s_line.Match(e.Message);
                if (!match.Success)
                    return;
                log.Bytes = double.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) * 1e6;
                log.Seconds = double.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture);
            };
            return log;
        }
    }
}
