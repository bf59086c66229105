using System;
using System.IO;
using System.Linq;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Runs only when MLP_WRITE_GOLDEN_MODELS names a folder (xunit skips it otherwise).</summary>
    public sealed class GoldenWriterFactAttribute : FactAttribute
    {
        public const string Variable = "MLP_WRITE_GOLDEN_MODELS";

        public GoldenWriterFactAttribute()
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
                Skip = $"Writes golden model zips; set {Variable}=<folder> (and MLP_GOLDEN_FORMAT_VERSION) to run it.";
        }
    }

    /// <summary>Runs only when MLP_RERECORD_GOLDEN_SCORES names the source GoldenModels folder (xunit skips it otherwise).</summary>
    public sealed class GoldenRerecordFactAttribute : FactAttribute
    {
        public const string Variable = "MLP_RERECORD_GOLDEN_SCORES";

        public GoldenRerecordFactAttribute()
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
                Skip = $"Re-records the golden models' expected scores; set {Variable}=<tests/…/GoldenModels> to run it.";
        }
    }

    /// <summary>
    /// Writes the golden models of the format this build writes. Run once per new format version, then commit the folder:
    /// <c>MLP_WRITE_GOLDEN_MODELS=$PWD/tests/Microsoft.ML.Mlp.Tests/GoldenModels/v4 MLP_GOLDEN_FORMAT_VERSION=4
    /// dotnet test --filter GoldenModelWriter</c>. Never rewrite an existing version's folder: those files are the promise.
    /// </summary>
    public class GoldenModelWriter
    {
        /// <summary>
        /// After a deliberate change to the scoring arithmetic (never the format): every committed golden file must still load
        /// with its fingerprint and score within 1e-5 of its recorded scores; then its expected scores (and the SIMD profile they
        /// hold for) are re-recorded from this build. The zips are not touched. Commit the result saying why the bits moved:
        /// <c>MLP_RERECORD_GOLDEN_SCORES=$PWD/tests/Microsoft.ML.Mlp.Tests/GoldenModels dotnet test --filter RerecordGoldenScores</c>.
        /// </summary>
        [GoldenRerecordFact]
        public void RerecordGoldenScores()
        {
            string root = Environment.GetEnvironmentVariable(GoldenRerecordFactAttribute.Variable);
            foreach (int version in new[] { 1, 2, 3, 4, 5 })
                foreach (string kind in GoldenModels.KindsOf(version))
                {
                    var expected = GoldenModels.ReadExpected(version, kind);
                    var ml = new MLContext(seed: 1);
                    var model = ml.Model.Load(GoldenModels.ZipPath(version, kind), out _);
                    Assert.Equal(expected.Fingerprint, GoldenModels.Fingerprint(GoldenModels.Predictor(model)));
                    var scores = GoldenModels.Scores(model, ml, kind);
                    var want = expected.ScoreValues();
                    for (int r = 0; r < want.Length; r++)
                        for (int c = 0; c < want[r].Length; c++)
                            Assert.True(Math.Abs(want[r][c] - scores[r][c]) <= 1e-5f, $"v{version} {kind} row {r} class {c}: {scores[r][c]} vs {want[r][c]}");
                    expected.SimdProfile = GoldenModels.SimdProfile();
                    expected.Scores = GoldenModels.Expected.Hex(scores);
                    GoldenModels.WriteExpected(Path.Combine(root, $"v{version}"), expected);
                }
        }

        [GoldenWriterFact]
        public void WriteGoldenModels()
        {
            string folder = Environment.GetEnvironmentVariable(GoldenWriterFactAttribute.Variable);
            int version = int.Parse(Environment.GetEnvironmentVariable("MLP_GOLDEN_FORMAT_VERSION") ?? throw new InvalidOperationException("Set MLP_GOLDEN_FORMAT_VERSION."));
            Directory.CreateDirectory(folder);
            // MLP_GOLDEN_KINDS=binary,… writes only those (a kind new to an existing version; never rewrite the others).
            var only = Environment.GetEnvironmentVariable("MLP_GOLDEN_KINDS")?.Split(',');
            foreach (string kind in GoldenModels.KindsOf(version).Where(k => only == null || only.Contains(k)))
            {
                var ml = new MLContext(seed: 3);
                var train = GoldenModels.Data(ml, kind, 0, GoldenModels.TrainRows);
                var model = GoldenModels.Pipeline(ml, kind).Fit(train);
                string zip = Path.Combine(folder, kind + ".zip");
                if (File.Exists(zip))
                    throw new InvalidOperationException($"{zip} exists: committed golden models are never rewritten (choose the new kinds with MLP_GOLDEN_KINDS).");
                ml.Model.Save(model, train.Schema, zip);

                // The expectation is what the saved file gives when loaded, checked equal to the in-memory model.
                var loaded = new MLContext(seed: 5).Model.Load(zip, out _);
                var scores = GoldenModels.Scores(loaded, ml, kind);
                Assert.Equal(GoldenModels.Scores(model, ml, kind), scores);
                string fingerprint = GoldenModels.Fingerprint(GoldenModels.Predictor(loaded));
                Assert.Equal(GoldenModels.Fingerprint(GoldenModels.Predictor(model)), fingerprint);
                GoldenModels.WriteExpected(folder, new GoldenModels.Expected
                {
                    Kind = kind,
                    FormatVersion = version,
                    WrittenBy = $"GoldenModelWriter, Microsoft.ML.Mlp {typeof(Microsoft.ML.Trainers.Mlp.MlpMulticlassTrainer).Assembly.GetName().Version}",
                    ProbeSkip = GoldenModels.ProbeSkip,
                    ProbeRows = GoldenModels.ProbeRows,
                    SimdProfile = GoldenModels.SimdProfile(),
                    Fingerprint = fingerprint,
                    Scores = GoldenModels.Expected.Hex(scores),
                });
            }
        }
    }
}
