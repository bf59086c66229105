using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.ML.Trainers.Mlp.Internals;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>The first-use check of the ML.NET version: its comparison on made-up versions, and the real environment.</summary>
    public class MlNetVersionGuardTests
    {
        private readonly ITestOutputHelper _output;

        public MlNetVersionGuardTests(ITestOutputHelper output) => _output = output;

        // Made-up build facts for the pure comparison (the real, embedded ones are checked below against the real assemblies).
        private static readonly MlNetVersionGuard.BuildInfo Built = new("0.1.0", PackageVersionRange.Parse("[5.0.1, 5.1)"), "5.0.1");

        private static string Problem(string core, string data) =>
            MlNetVersionGuard.FindProblem(new[] { ("Microsoft.ML.Core", core), ("Microsoft.ML.Data", data) }, Built);

        [Theory]
        [InlineData("5.0.1+a4f730ec0c9106c2c9ef9e1fa34011374115fb98")]
        [InlineData("5.0.1")]
        [InlineData("5.0.2")]
        [InlineData("5.0.17+abc")]
        public void VersionsInTheRangePass(string version) => Assert.Null(Problem(version, version));

        [Theory]
        [InlineData("5.1.0")]
        [InlineData("5.1.0-preview.1.25125.4+abc")] // a prerelease of the next minor already has its internals
        [InlineData("6.0.0")]
        [InlineData("5.0.0")]
        [InlineData("5.0.1-preview.2")]            // before 5.0.1
        [InlineData("4.0.2")]
        public void VersionsOutsideTheRangeAreRefusedWithWhatToDo(string version)
        {
            string message = Problem("5.0.1", version);
            Assert.NotNull(message);
            Assert.Contains($"Microsoft.ML.Data {version.Split('+')[0]}", message); // what was found
            Assert.DoesNotContain("Microsoft.ML.Core", message);                   // only the offending assembly is named
            Assert.Contains("supports Microsoft.ML [5.0.1, 5.1)", message);       // what is supported
            Assert.Contains("Reference Microsoft.ML 5.0.x (5.0.1 or later)", message); // what to do
            Assert.Contains("<PackageReference Include=\"Microsoft.ML\" Version=\"5.0.1\" />", message);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("dev")]
        public void AnUnreadableVersionIsRefused(string version)
        {
            string message = Problem(version, "5.0.1");
            Assert.NotNull(message);
            Assert.Contains("Microsoft.ML.Core", message);
        }

        [Theory]
        [InlineData("[5.0.1, 5.1)", "5.0.1", true)]
        [InlineData("[5.0.1, 5.1)", "5.1.0", false)]
        [InlineData("[5.0.1]", "5.0.1", true)]
        [InlineData("[5.0.1]", "5.0.2", false)]
        [InlineData("5.0.1", "9.0.0", true)]
        [InlineData("5.0.1", "5.0.0", false)]
        [InlineData("(5.0.1, 6.0.0]", "5.0.1", false)]
        [InlineData("(5.0.1, 6.0.0]", "6.0.0", true)]
        [InlineData("(, 6.0)", "1.0.0", true)]
        [InlineData("[5.0, )", "5.0.0-rc.1", false)]
        [InlineData("[5.0.0-rc.1, )", "5.0.0-rc.2", true)]
        public void RangesFollowNuGetNotation(string range, string version, bool inside)
        {
            Assert.True(Trainers.Mlp.Internals.PackageVersion.TryParse(version, out var v));
            Assert.Equal(inside, PackageVersionRange.Parse(range).Contains(v));
        }

        [Theory]
        [InlineData("[5.0.1, 5.1)", "5.0.x (5.0.1 or later)")]
        [InlineData("[5.0.0, 5.1.0)", "5.0.x")]
        [InlineData("[5.0.1, 6.0)", "[5.0.1, 6.0)")]
        public void TheAdviceNamesTheMinorToReference(string range, string advice) => Assert.Equal(advice, PackageVersionRange.Parse(range).Describe());

        [Theory]
        [InlineData("")]
        [InlineData("[5.0.1, 5.1")]
        [InlineData("[a, b)")]
        [InlineData("(5.0.1)")]
        public void MalformedRangesAreRejected(string range) => Assert.Throws<FormatException>(() => PackageVersionRange.Parse(range));

        [Fact]
        public void TheRealEnvironmentPassesAndMatchesWhatTheBuildEmbedded()
        {
            MlNetVersionGuard.EnsureSupported();
            var build = MlNetVersionGuard.BuildInfo.Load();
            var loaded = MlNetVersionGuard.LoadedVersions();
            Assert.Null(MlNetVersionGuard.FindProblem(loaded, build));

            // The build embedded the range pinned in Directory.Packages.props and the version restore resolved; the tests run
            // with that same package, so each guarded assembly reports it.
            Assert.Equal(ThisBuild.Metadata("SupportedMlNetVersions"), build.Supported.Text);
            Assert.Equal(ThisBuild.Metadata("ResolvedMlNetVersion"), build.BuiltAgainst);
            Assert.Equal(MlNetVersionGuard.GuardedAssemblies, loaded.Select(a => a.Assembly));
            Assert.All(loaded, a => Assert.Equal(build.BuiltAgainst, a.Version.Split('+')[0]));
            Assert.Equal(typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>().InformationalVersion,
                loaded.Single(a => a.Assembly == "Microsoft.ML.Data").Version);
        }

        [Theory]
        [InlineData(null)]                                                   // only the version differs
        [InlineData("Microsoft.ML.Data.CatalogUtils::GetEnvironment")]       // the catalog's first internal call moved
        [InlineData("Microsoft.ML.Trainers.TrainerUtils::MakeR4VecFeature")]  // the trainer constructor's first internal call moved
        public void ANewerMlNetIsRefusedAtTheCatalogBeforeAnyInternalIsTouched(string moved)
        {
            using var mlnet = new DoctoredMlNet(NewerThanSupported + "+doctored", moved);
            object trainers = Property(Property(mlnet.NewMLContext(), "MulticlassClassification"), "Trainers");
            var library = mlnet.Load("Microsoft.ML.Mlp");
            var options = Activator.CreateInstance(library.GetType("Microsoft.ML.Trainers.Mlp.MlpMulticlassTrainer+Options"));
            var mlp = library.GetType("Microsoft.ML.MlpCatalog").GetMethods().Single(m => m.Name == "Mlp" && m.GetParameters().Length == 2 && IsMulticlass(m));

            var e = Assert.Throws<TargetInvocationException>(() => mlp.Invoke(null, new[] { trainers, options }));
            var refused = Assert.IsType<InvalidOperationException>(e.InnerException);
            Assert.Contains($"found Microsoft.ML.Core {NewerThanSupported} and Microsoft.ML.Data {NewerThanSupported}", refused.Message);
            Assert.Contains($"supports Microsoft.ML {ThisBuild.Metadata("SupportedMlNetVersions")}", refused.Message);
        }

        /// <summary>The multiclass overloads of MlpCatalog.Mlp (the binary catalog has the same names and arities).</summary>
        private static bool IsMulticlass(MethodInfo method) => method.GetParameters()[0].ParameterType.Name == "MulticlassClassificationTrainers";

        [Fact]
        public void TheAppContextSwitchLetsAnUnsupportedMlNetThroughAtTheUsersRisk()
        {
            using var mlnet = new DoctoredMlNet(NewerThanSupported + "+doctored");
            object trainers = Property(Property(mlnet.NewMLContext(), "MulticlassClassification"), "Trainers");
            var mlp = mlnet.Load("Microsoft.ML.Mlp").GetType("Microsoft.ML.MlpCatalog").GetMethods()
                .Single(m => m.Name == "Mlp" && m.GetParameters().Length > 2 && IsMulticlass(m));
            var defaults = mlp.GetParameters().Skip(1).Select(p => p.DefaultValue).ToArray();
            AppContext.SetSwitch(MlNetVersionGuard.AllowUnsupportedSwitch, true);
            try
            {
                Assert.NotNull(mlp.Invoke(null, defaults.Prepend(trainers).ToArray()));
            }
            finally
            {
                AppContext.SetSwitch(MlNetVersionGuard.AllowUnsupportedSwitch, false); // process-wide: never leak into other tests
            }
            Assert.IsType<InvalidOperationException>(Assert.Throws<TargetInvocationException>(() => mlp.Invoke(null, defaults.Prepend(trainers).ToArray())).InnerException);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("Microsoft.ML.ModelLoadContext::CheckAtModel")]
        public void ANewerMlNetIsRefusedWhenLoadingAModel(string moved)
        {
            var ml = new MLContext(seed: 1);
            var data = Digits.Load(ml, 0, 64);
            var model = TrainedDigits.Pipeline(ml, TrainedDigits.QuickOptions(epochs: 1)).Fit(data);
            string path = Path.Combine(Path.GetTempPath(), $"mlp-guard-{Guid.NewGuid():N}.zip");
            try
            {
                ml.Model.Save(model, data.Schema, path);
                using var mlnet = new DoctoredMlNet(NewerThanSupported + "+doctored", moved);
                object models = Property(mlnet.NewMLContext(), "Model");
                var load = models.GetType().GetMethods().Single(m => m.Name == "Load" && m.GetParameters().Select(p => p.ParameterType).First() == typeof(string));
                var e = Assert.Throws<TargetInvocationException>(() => load.Invoke(models, new object[] { path, null }));
                // ML.NET wraps what a loader throws; ours is in the chain, with nothing of a missing member before it.
                var chain = new List<Exception>();
                for (Exception x = e.InnerException; x != null; x = x.InnerException)
                    chain.Add(x);
                _output.WriteLine(string.Join("\n  <- ", chain.Select(x => $"{x.GetType().Name}: {x.Message}")));
                Assert.Contains(chain, x => x is InvalidOperationException && x.Message.Contains($"supports Microsoft.ML {ThisBuild.Metadata("SupportedMlNetVersions")}"));
                Assert.DoesNotContain(chain, x => x is MissingMemberException or TypeLoadException);
            }
            finally
            {
                File.Delete(path);
            }
        }

        /// <summary>The first version above the range the build pinned (5.1.0 for [5.0.1, 5.1)): what an early upgrader would have.</summary>
        private static string NewerThanSupported
        {
            get
            {
                var range = PackageVersionRange.Parse(ThisBuild.Metadata("SupportedMlNetVersions"));
                return range.Maximum is { } max && !range.IncludesMaximum ? max.ToString() : "99.0.0";
            }
        }

        private static object Property(object target, string name) => target.GetType().GetProperty(name).GetValue(target);
    }
}
