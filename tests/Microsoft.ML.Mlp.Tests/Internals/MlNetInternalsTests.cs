using System;
using System.IO;
using System.Linq;
using Mono.Cecil;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// The library compiles against publicized ML.NET and calls internal members at run time (IgnoresAccessChecksTo). These
    /// tests read the built Microsoft.ML.Mlp.dll's IL and check that every ML.NET type and member it references, by exact
    /// signature, resolves in the real ML.NET assemblies the tests run with. An ML.NET update that moves one fails here by
    /// name instead of with a MissingMethodException in a user's pipeline.
    /// </summary>
    public class MlNetInternalsTests
    {
        private readonly ITestOutputHelper _output;

        public MlNetInternalsTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void EveryMlNetMemberTheBuiltLibraryReferencesResolvesInTheRealAssemblies()
        {
            using var scanner = new MlNetReferenceScanner(MlNetReferenceScanner.TestOutputDirectory);
            var dependencies = scanner.Scan(MlNetReferenceScanner.LibraryPath);

            var nonPublic = dependencies.Where(d => d.IsNonPublic).ToArray();
            _output.WriteLine($"{dependencies.Count} ML.NET references in {MlNetReferenceScanner.LibraryPath}; {nonPublic.Length} of them non-public:");
            foreach (var d in nonPublic)
                _output.WriteLine($"  {d.Kind,-10} {d.Signature}");

            var broken = dependencies.Where(d => !d.Resolves).ToArray();
            Assert.True(broken.Length == 0, "ML.NET members referenced by Microsoft.ML.Mlp that do not resolve in the ML.NET it runs with:\n"
                + string.Join("\n", broken.Select(d => $"  {d.Kind} {d.Signature}: {d.Error}")));

            // Sanity of the scan itself: it read the real (non-publicized) ML.NET, in which what the bridge needs is internal.
            Assert.All(dependencies, d => Assert.StartsWith(MlNetReferenceScanner.TestOutputDirectory, FileOf(d)));
            Assert.Contains(nonPublic, d => d.Signature.Contains("Microsoft.ML.ModelLoadContext"));
            Assert.Contains(nonPublic, d => d.Signature.Contains("Microsoft.ML.Data.CatalogUtils::GetEnvironment"));
            Assert.Contains(dependencies, d => d.Kind == "override" && d.Signature.Contains("TrainerEstimatorBase"));
            // Explanations: ML.NET's contribution interface (CalculateFeatureContribution), its top/bottom selection, the row mapper.
            Assert.Contains(nonPublic, d => d.Signature.Contains("Microsoft.ML.Trainers.IFeatureContributionMapper"));
            Assert.Contains(nonPublic, d => d.Signature.Contains("VectorUtils::SparsifyNormalize"));
            Assert.Contains(nonPublic, d => d.Signature.Contains("Microsoft.ML.Data.RowToRowMapperTransform"));
        }

        [Fact]
        public void TheCheckerNamesAMemberThatDoesNotResolve()
        {
            // References the way a future ML.NET would break them: a member gone, a signature changed, a type gone.
            using var scanner = new MlNetReferenceScanner(MlNetReferenceScanner.TestOutputDirectory);
            using var module = ModuleDefinition.CreateModule("Fake", ModuleKind.Dll);
            var core = new AssemblyNameReference("Microsoft.ML.Core", new Version(1, 0, 0, 0)) { PublicKeyToken = typeof(ModelSaveContext).Assembly.GetName().GetPublicKeyToken() };
            module.AssemblyReferences.Add(core);
            var saveContext = new TypeReference("Microsoft.ML", "ModelSaveContext", module, core);
            var gone = new MethodReference("NoSuchMethod", module.TypeSystem.Void, saveContext) { HasThis = true };
            var changed = new MethodReference("SetVersionInfo", module.TypeSystem.Void, saveContext) { HasThis = true };
            changed.Parameters.Add(new ParameterDefinition(module.TypeSystem.Int32));
            var existing = new MethodReference("SetVersionInfo", module.TypeSystem.Void, saveContext) { HasThis = true };
            existing.Parameters.Add(new ParameterDefinition(new TypeReference("Microsoft.ML", "VersionInfo", module, core, valueType: true)));
            var missingType = new TypeReference("Microsoft.ML", "NoSuchType", module, core);
            var missingAssembly = new TypeReference("Microsoft.ML", "Anything", module, new AssemblyNameReference("Microsoft.ML.NoSuchAssembly", new Version(1, 0, 0, 0)));

            var result = scanner.Check(new (string, MemberReference)[]
            {
                ("method", gone), ("method", changed), ("method", existing), ("type", missingType), ("type", missingAssembly),
            });

            Assert.Equal(new[] { false, false, true, false, false }, result.Select(r => r.Resolves));
            Assert.Contains("NoSuchMethod", result[0].Signature);
            Assert.Contains("SetVersionInfo(System.Int32)", result[1].Signature);
            Assert.True(result[2].IsNonPublic, "ModelSaveContext.SetVersionInfo is internal in the real ML.NET");
            Assert.Contains("NoSuchType", result[3].Signature);
            Assert.Contains("Microsoft.ML.NoSuchAssembly", result[4].Error);
        }

        [Fact]
        public void TheScanCoversTypeLayoutToo()
        {
            // The test project's own types derive from nothing in ML.NET; the library's do. Layout checks come only from the library.
            using var scanner = new MlNetReferenceScanner(MlNetReferenceScanner.TestOutputDirectory);
            var dependencies = scanner.Scan(MlNetReferenceScanner.LibraryPath);
            Assert.Contains(dependencies, d => d.Kind == "implements" && d.Signature.Contains("TrainModelCore"));
            Assert.Contains(dependencies, d => d.Kind == "type" && d.Signature.StartsWith("Microsoft.ML.Trainers.TrainerEstimatorBase`2"));
            Assert.Contains(dependencies, d => d.Kind == "method" && d.Signature.Contains("LoadableClassAttribute::.ctor"));
            Assert.All(dependencies, d => Assert.DoesNotContain("Microsoft.ML.Mlp.dll", FileOf(d)));
        }

        private static string FileOf(MlNetReferenceScanner.Dependency d) => (d.Resolved as TypeDefinition ?? d.Resolved.DeclaringType).Module.FileName;
    }
}
