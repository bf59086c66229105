using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Xunit;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// The library compiles against publicized ML.NET and calls these internal members at run time
    /// (IgnoresAccessChecksTo). If an ML.NET update moves one, this fails with its name instead of a
    /// MissingMethodException in a user's pipeline.
    /// </summary>
    public class MlNetInternalsTests
    {
        private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

        private static readonly Assembly Core = typeof(ModelSaveContext).Assembly;
        private static readonly Assembly DataAssembly = typeof(MulticlassPredictionTransformer<>).Assembly;

        [Theory]
        [InlineData("Microsoft.ML.Data.CatalogUtils", "GetEnvironment")]
        [InlineData("Microsoft.ML.Trainers.TrainerUtils", "MakeR4VecFeature")]
        [InlineData("Microsoft.ML.Trainers.TrainerUtils", "MakeU4ScalarColumn")]
        [InlineData("Microsoft.ML.Trainers.TrainerUtils", "MakeR4ScalarWeightColumn")]
        [InlineData("Microsoft.ML.Trainers.TrainerEstimatorBase`2", "TrainModelCore")]
        [InlineData("Microsoft.ML.Trainers.TrainerEstimatorBase`2", "MakeTransformer")]
        [InlineData("Microsoft.ML.Trainers.TrainerEstimatorBase`2", "GetOutputColumnsCore")]
        [InlineData("Microsoft.ML.Trainers.TrainerEstimatorBase`2", "CheckLabelCompatible")]
        [InlineData("Microsoft.ML.Trainers.TrainerEstimatorBase`2", "TrainTransformer")]
        [InlineData("Microsoft.ML.Trainers.ModelParametersBase`1", "SaveCore")]
        [InlineData("Microsoft.ML.Trainers.MulticlassLabelCursor", "Accept")]
        public void DataMembersExist(string type, string member) => AssertMember(DataAssembly, type, member);

        [Theory]
        [InlineData("Microsoft.ML.ModelSaveContext", "SetVersionInfo")]
        [InlineData("Microsoft.ML.ModelSaveContext", "SaveModel")]
        [InlineData("Microsoft.ML.ModelSaveContext", "Writer")]
        [InlineData("Microsoft.ML.ModelLoadContext", "CheckAtModel")]
        [InlineData("Microsoft.ML.ModelLoadContext", "LoadModel")]
        [InlineData("Microsoft.ML.ModelLoadContext", "Reader")]
        [InlineData("Microsoft.ML.Data.AnnotationUtils", "AnnotationsForMulticlassScoreColumn")]
        [InlineData("Microsoft.ML.Data.AnnotationUtils", "GetTrainerOutputAnnotation")]
        [InlineData("Microsoft.ML.TrainerInfo", ".ctor")]
        [InlineData("Microsoft.ML.VersionInfo", ".ctor")]
        [InlineData("Microsoft.ML.LoadableClassAttribute", ".ctor")]
        public void CoreMembersExist(string type, string member) => AssertMember(Core, type, member);

        [Fact]
        public void MulticlassPredictionTransformerConstructorExists()
        {
            var ctor = typeof(MulticlassPredictionTransformer<>).GetConstructors(Any).Where(c => c.GetParameters().Length == 7);
            Assert.Single(ctor);
        }

        [Fact]
        public void LibraryIsPinnedToTheMlNetMinorItWasBuiltAgainst()
        {
            // ML.NET's assembly version stays 1.0.0.0; the package version is in the informational version.
            string version = DataAssembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>().InformationalVersion;
            Assert.True(version.StartsWith("5.0."), $"Microsoft.ML.Data {version}: the library's internals bridge was written for ML.NET 5.0.x.");
        }

        private static void AssertMember(Assembly assembly, string typeName, string member)
        {
            var type = assembly.GetType(typeName);
            Assert.True(type != null, $"ML.NET internal type {typeName} is gone from {assembly.GetName()}");
            bool found = member == ".ctor" ? type.GetConstructors(Any).Length > 0 : type.GetMember(member, Any).Length > 0;
            Assert.True(found, $"ML.NET internal member {typeName}.{member} is gone from {assembly.GetName()}");
        }
    }
}
