using System;
using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

// ML.NET keeps the members a first-class trainer needs internal (reachable only by Microsoft-signed
// InternalsVisibleTo). We compile against publicized copies of these two assemblies
// (eng/PublicizeMlNet.targets) and CoreCLR honours this attribute at run time. MlNetVersionGuard refuses an ML.NET
// outside the range we were built for; tests/Microsoft.ML.Mlp.Tests/MlNetInternalsTests.cs reads every ML.NET member
// the built assembly references from its IL and fails by name if one does not resolve.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]

namespace System.Runtime.CompilerServices
{
    /// <summary>Read by CoreCLR: lets this assembly call non-public members of the named assembly.</summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute : Attribute
    {
        public IgnoresAccessChecksToAttribute(string assemblyName) => AssemblyName = assemblyName;

        public string AssemblyName { get; }
    }
}

namespace Microsoft.ML.Trainers.Mlp.Internals
{
    /// <summary>The small helpers over ML.NET internals that more than one file needs.</summary>
    internal static class MlNetBridge
    {
        /// <summary>The environment behind a catalog (MLContext), as ML.NET's own extensions obtain it.</summary>
        public static IHostEnvironment GetEnvironment(MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog)
        {
            if (catalog == null)
                throw new ArgumentNullException(nameof(catalog));
            MlNetVersionGuard.EnsureSupported();
            return EnvironmentOf(catalog);
        }

        // The internal call sits in its own method: the JIT resolves every member a method names before the method runs, so a
        // moved CatalogUtils.GetEnvironment would otherwise throw MissingMethodException before the version check could.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static IHostEnvironment EnvironmentOf(MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog) =>
            CatalogUtils.GetEnvironment(catalog);

        /// <summary>The environment behind the binary classification catalog, as <see cref="GetEnvironment(MulticlassClassificationCatalog.MulticlassClassificationTrainers)"/>.</summary>
        public static IHostEnvironment GetEnvironment(BinaryClassificationCatalog.BinaryClassificationTrainers catalog)
        {
            if (catalog == null)
                throw new ArgumentNullException(nameof(catalog));
            MlNetVersionGuard.EnsureSupported();
            return EnvironmentOf(catalog);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static IHostEnvironment EnvironmentOf(BinaryClassificationCatalog.BinaryClassificationTrainers catalog) =>
            CatalogUtils.GetEnvironment(catalog);

        /// <summary>The environment behind the regression catalog, as <see cref="GetEnvironment(MulticlassClassificationCatalog.MulticlassClassificationTrainers)"/>.</summary>
        public static IHostEnvironment GetEnvironment(RegressionCatalog.RegressionTrainers catalog)
        {
            if (catalog == null)
                throw new ArgumentNullException(nameof(catalog));
            MlNetVersionGuard.EnsureSupported();
            return EnvironmentOf(catalog);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static IHostEnvironment EnvironmentOf(RegressionCatalog.RegressionTrainers catalog) =>
            CatalogUtils.GetEnvironment(catalog);

        /// <summary>The environment behind the transforms catalog, as <see cref="GetEnvironment(MulticlassClassificationCatalog.MulticlassClassificationTrainers)"/>.</summary>
        public static IHostEnvironment GetEnvironment(TransformsCatalog catalog)
        {
            if (catalog == null)
                throw new ArgumentNullException(nameof(catalog));
            MlNetVersionGuard.EnsureSupported();
            return EnvironmentOf(catalog);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static IHostEnvironment EnvironmentOf(TransformsCatalog catalog) => CatalogUtils.GetEnvironment(catalog);

        /// <summary>
        /// A binary model as ML.NET's own binary trainers return it: the score model wrapped with a calibrator, here a fixed
        /// Platt sigmoid with slope −1 and offset 0 (P = 1 / (1 + exp(−score)), exactly the network's softmax probability of true),
        /// in ML.NET's value-mapper calibrated model, which saves and loads by itself and gives the Probability column.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static Calibrators.CalibratedModelParametersBase<TModel, Calibrators.PlattCalibrator> WithSigmoid<TModel>(IHostEnvironment env, TModel model)
            where TModel : class =>
            new Calibrators.ValueMapperCalibratedModelParameters<TModel, Calibrators.PlattCalibrator>(env, model, new Calibrators.PlattCalibrator(env, -1, 0));

        /// <summary>The Score / Probability / PredictedLabel columns every calibrated ML.NET binary trainer adds.</summary>
        public static SchemaShape.Column[] BinaryOutputColumns() => new[]
        {
            new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false,
                new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
            new SchemaShape.Column(DefaultColumnNames.Probability, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false,
                new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation(true))),
            new SchemaShape.Column(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false,
                new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
        };

        /// <summary>The Score column every ML.NET regression trainer adds.</summary>
        public static SchemaShape.Column[] RegressionOutputColumns() => new[]
        {
            new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false,
                new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
        };

        /// <summary>A trainer's host: what every trainer constructor starts with, so it checks the ML.NET version first.</summary>
        public static IHost RegisterTrainer(IHostEnvironment env, string name)
        {
            if (env == null)
                throw new ArgumentNullException(nameof(env));
            MlNetVersionGuard.EnsureSupported();
            return env.Register(name);
        }

        /// <summary>The Score / PredictedLabel columns every ML.NET multiclass trainer adds, with the label's key values
        /// as slot names and key values, so MapKeyToValue works downstream.</summary>
        public static SchemaShape.Column[] MulticlassOutputColumns(SchemaShape inputSchema, string labelColumnName)
        {
            inputSchema.TryFindColumn(labelColumnName, out var label);
            var predictedLabelAnnotations = new SchemaShape(System.Linq.Enumerable.Concat(
                System.Linq.Enumerable.Where(label.Annotations, a => a.Name == AnnotationUtils.Kinds.KeyValues),
                AnnotationUtils.GetTrainerOutputAnnotation()));
            return new[]
            {
                new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false,
                    new SchemaShape(AnnotationUtils.AnnotationsForMulticlassScoreColumn(label))),
                new SchemaShape.Column(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true,
                    predictedLabelAnnotations),
            };
        }
    }
}
