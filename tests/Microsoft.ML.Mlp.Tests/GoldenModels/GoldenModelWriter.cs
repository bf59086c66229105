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

    /// <summary>
    /// Writes the golden models of the format this build writes. Run once per new format version, then commit the folder:
    /// <c>MLP_WRITE_GOLDEN_MODELS=$PWD/tests/Microsoft.ML.Mlp.Tests/GoldenModels/v4 MLP_GOLDEN_FORMAT_VERSION=4
    /// dotnet test --filter GoldenModelWriter</c>. Never rewrite an existing version's folder: those files are the promise.
    /// </summary>
    public class GoldenModelWriter
    {
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
