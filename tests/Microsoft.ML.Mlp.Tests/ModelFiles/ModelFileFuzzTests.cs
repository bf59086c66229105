using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// Damage every entry this package writes (truncation, bit flips, runs of 0xFF, zeroed tails), for a single MLP and both
    /// ensemble kinds, and load: either a clear exception, or a model whose parameters and scores are bit-identical to the
    /// undamaged one. Never a different score, a NaN, a huge allocation or a hang. Deterministic (seeded), a few seconds.
    /// </summary>
    public class ModelFileFuzzTests
    {
        /// <summary>A load of these tiny models allocates a few MB; a length read unchecked would ask for GBs.</summary>
        private const long AllocationLimit = 64L << 20;

        private readonly ITestOutputHelper _output;

        public ModelFileFuzzTests(ITestOutputHelper output) => _output = output;

        [Theory]
        [InlineData("mlp")]
        [InlineData("fused-ensemble")]
        [InlineData("heterogeneous-ensemble")]
        [InlineData("binary")]
        [InlineData("regression")]
        [InlineData("binary-voting")]
        [InlineData("regression-voting")]
        public void DamagedModelFileNeverLoadsAsADifferentModel(string kind)
        {
            // The golden model re-saved by this build: the file exactly as today's writer writes it, without training.
            var ml = new MLContext(seed: 1);
            var original = ml.Model.Load(GoldenModels.ZipPath(4, kind), out var schema); // robust scaling: the format-4 fields are damaged too
            var saved = new MemoryStream();
            ml.Model.Save(original, schema, saved);
            saved.Position = 0;
            var zip = ModelZip.Open(saved);
            var expectedScores = GoldenModels.Expected.Hex(GoldenModels.Scores(original, ml, kind));
            string expectedFingerprint = GoldenModels.Fingerprint(GoldenModels.Predictor(original));

            var entries = zip.OurModelEntries().ToArray();
            Assert.Equal(kind switch { "mlp" or "binary" or "regression" => 1, "fused-ensemble" => 4, _ => 2 }, entries.Length);

            int cases = 0, rejected = 0, identical = 0;
            long maxAllocated = 0;
            var clock = Stopwatch.StartNew();
            var messages = new SortedDictionary<string, int>();
            // A hang would show as this task not finishing (the loads run one by one on its thread).
            var run = Task.Run(() =>
            {
                foreach (string entry in entries)
                {
                    var bytes = zip[entry];
                    var region = ModelZip.ModelRegion(bytes);
                    foreach (var (what, damaged, from, to) in Mutations(bytes, region, seed: entry.Length * 31 + kind.Length))
                    {
                        cases++;
                        string where = $"{kind} {entry}: {what}";
                        using var stream = zip.With(entry, damaged);
                        var fresh = new MLContext(seed: 1);
                        long before = GC.GetAllocatedBytesForCurrentThread();
                        ITransformer loaded;
                        try
                        {
                            loaded = fresh.Model.Load(stream, out _);
                        }
                        catch (Exception ex) when (ex is not OutOfMemoryException)
                        {
                            maxAllocated = Math.Max(maxAllocated, GC.GetAllocatedBytesForCurrentThread() - before);
                            rejected++;
                            string chain = ModelZip.Messages(ex);
                            // Damage inside the bytes our loader reads must be named by our message; damage to ML.NET's
                            // header, string table or tail is ML.NET's to report, and it must still be an exception.
                            if (from >= region.Start && to <= region.End)
                                Assert.True(chain.Contains("The model file is corrupt", StringComparison.Ordinal)
                                    || chain.Contains("format version", StringComparison.Ordinal), $"{where}: unclear error\n{chain}");
                            string innermost = ex.GetBaseException().Message;
                            string key = innermost.Length > 90 ? innermost[..90] : innermost;
                            messages[key] = messages.GetValueOrDefault(key) + 1;
                            continue;
                        }
                        maxAllocated = Math.Max(maxAllocated, GC.GetAllocatedBytesForCurrentThread() - before);
                        // Loaded: only acceptable if nothing that is read back changed.
                        Assert.Equal(expectedFingerprint, GoldenModels.Fingerprint(GoldenModels.Predictor(loaded)));
                        Assert.Equal(expectedScores, GoldenModels.Expected.Hex(GoldenModels.Scores(loaded, fresh, kind)));
                        identical++;
                    }
                }
            });
            Assert.True(run.Wait(TimeSpan.FromMinutes(3)), $"loading damaged {kind} files did not finish: a hang");
            run.GetAwaiter().GetResult();

            _output.WriteLine($"{kind}: {cases} damaged files, {rejected} rejected, {identical} loaded bit-identical, "
                + $"{clock.Elapsed.TotalSeconds:F1} s, max {maxAllocated / 1024} KiB allocated by one load");
            foreach (var (message, count) in messages)
                _output.WriteLine($"  {count,4} × {message}");
            Assert.True(maxAllocated < AllocationLimit, $"a load allocated {maxAllocated:N0} bytes");
            Assert.True(rejected > cases / 2, "most damage must be detected");
        }

        /// <summary>Seeded damage to one entry: (description, damaged bytes, first and last+1 byte changed).</summary>
        private static IEnumerable<(string What, byte[] Bytes, int From, int To)> Mutations(byte[] original, (int Start, int End) region, int seed)
        {
            var random = new Random(seed);
            int n = original.Length;
            // Positions that matter: ML.NET's header and version fields, our block's head and checksum, the payload, the tail.
            var positions = new List<int> { 0, 16, 24, 64, 72, 76, region.Start, region.Start + 4, region.Start + 8, region.Start + 12,
                region.Start + 16, region.Start + 20, region.End - 32, region.End - 1, region.End, n - 1 };
            for (int i = 0; i < 12; i++)
                positions.Add(random.Next(region.Start, region.End));
            for (int i = 0; i < 3; i++)
                positions.Add(random.Next(n));
            positions = positions.Where(p => p >= 0 && p < n).Distinct().ToList();

            foreach (int cut in new[] { 0, 1, 255, region.Start, region.Start + 6, (region.Start + region.End) / 2, region.End - 1, region.End, n - 8, n - 1 }
                .Where(c => c >= 0 && c < n).Distinct())
                yield return ($"truncated to {cut} of {n} bytes", original[..cut], cut, n);

            foreach (int p in positions)
            {
                int bit = random.Next(8);
                var flipped = (byte[])original.Clone();
                flipped[p] ^= (byte)(1 << bit);
                yield return ($"bit {bit} of byte {p} flipped", flipped, p, p + 1);
            }

            for (int i = 0; i < 3; i++)
            {
                var flipped = (byte[])original.Clone();
                int p = random.Next(region.Start, Math.Max(region.Start + 1, region.End - 64));
                for (int k = 0; k < 3; k++)
                    flipped[Math.Min(n - 1, p + random.Next(64))] ^= (byte)(1 << random.Next(8));
                yield return ($"3 bits flipped in bytes {p}..{p + 63}", flipped, p, p + 64);
            }

            foreach (int length in new[] { 4, 64, 1024 })
                foreach (int p in new[] { region.Start, region.Start + 8, random.Next(region.Start, region.End), Math.Max(0, region.End - length) })
                {
                    int end = Math.Min(n, p + length);
                    var ff = (byte[])original.Clone();
                    ff.AsSpan(p, end - p).Fill(0xFF);
                    yield return ($"bytes {p}..{end - 1} set to 0xFF", ff, p, end);
                }

            foreach (int from in new[] { n - 1, n - 16, region.End - 32, region.End - 4, (region.Start + region.End) / 2, region.Start + 12, HeaderFields() })
            {
                if (from < 0 || from >= n)
                    continue;
                var zeroed = (byte[])original.Clone();
                zeroed.AsSpan(from).Clear();
                yield return ($"bytes {from}..{n - 1} zeroed", zeroed, from, n);
            }

            static int HeaderFields() => 64;
        }
    }
}
