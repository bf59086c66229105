using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Trainers.Mlp.Tasks
{
    /// <summary>Schema errors every task shares (features, weight, a missing column), raised before any training starts, each naming
    /// the column, what was found and the fix. Each task checks its own label.</summary>
    internal static class SchemaChecks
    {
        /// <summary>The type an estimator's schema shape column stands for (for messages).</summary>
        public static DataViewType TypeOf(SchemaShape.Column column) =>
            column.Kind == SchemaShape.Column.VectorKind.Scalar ? column.ItemType : new VectorDataViewType((PrimitiveDataViewType)column.ItemType);

        /// <summary>An example weight column, when named, must be Single.</summary>
        public static void CheckWeight(DataViewSchema schema, string trainer, string weightColumn)
        {
            if (weightColumn != null)
            {
                var weight = Find(schema, trainer, weightColumn, "example weight", "ExampleWeightColumnName");
                if (weight.Type != NumberDataViewType.Single)
                    throw new InvalidOperationException(
                        $"{trainer}: example weight column '{weightColumn}' has type {weight.Type}; it must be Single (float). "
                        + $"Convert it with mlContext.Transforms.Conversion.ConvertType(\"{weightColumn}\", outputKind: DataKind.Single).");
            }
        }

        /// <summary>Checks the feature column: a known-size vector of Single.</summary>
        public static int CheckFeatures(DataViewSchema schema, string trainer, string featureColumn)
        {
            var features = Find(schema, trainer, featureColumn, "feature", "FeatureColumnName");
            if (features.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || !vector.IsKnownSize)
                throw new InvalidOperationException(
                    $"{trainer}: feature column '{featureColumn}' has type {features.Type}, but a known-size vector of Single is needed. "
                    + "Build it with mlContext.Transforms.Concatenate(\"Features\", ...) over numeric columns (ConvertType to Single first), "
                    + "or give the vector a fixed size in the TextLoader / [VectorType(n)] attribute.");
            return vector.Size;
        }

        /// <summary>The column <paramref name="name"/>; a missing one is reported with the columns there are.</summary>
        public static DataViewSchema.Column Find(DataViewSchema schema, string trainer, string name, string role, string option)
        {
            var column = schema.GetColumnOrNull(name);
            if (column == null)
                throw new ArgumentOutOfRangeException(option, name,
                    $"{trainer}: {role} column '{name}' was not found in the data (columns: {string.Join(", ", Names(schema))}). "
                    + $"Set {option} to an existing column or create it in the pipeline before the trainer.");
            return column.Value;
        }

        private static string[] Names(DataViewSchema schema)
        {
            var names = new string[schema.Count];
            for (int i = 0; i < schema.Count; i++)
                names[i] = schema[i].Name;
            return names;
        }
    }
}
