using System;
using System.Linq;
using System.Reflection;
using Microsoft.ML.Trainers.Mlp.Internals;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>The first-use check of the ML.NET version: its comparison on made-up versions, and the real environment.</summary>
    public class MlNetVersionGuardTests
    {
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
    }
}
