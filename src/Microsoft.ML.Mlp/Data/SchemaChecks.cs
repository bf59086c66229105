using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>Schema errors raised before any training starts, each naming the column, what was found and the fix.</summary>
    internal static class SchemaChecks
    {
        /// <summary>Checks label, features and weight columns of a concrete schema; returns features width and class count.</summary>
        public static (int FeatureCount, int ClassCount) CheckTrainingSchema(DataViewSchema schema, string trainer,
            string labelColumn, string featureColumn, string weightColumn)
        {
            int featureCount = CheckFeatures(schema, trainer, featureColumn);
            var label = Find(schema, trainer, labelColumn, "label", "LabelColumnName");
            if (label.Type is not KeyDataViewType key)
                throw new InvalidOperationException(
                    $"{trainer}: label column '{labelColumn}' has type {label.Type}, but a multiclass trainer needs a key-typed label. "
                    + $"Add mlContext.Transforms.Conversion.MapValueToKey(\"{labelColumn}\") before the trainer.");
            if (key.Count < 2 || key.Count > int.MaxValue)
                throw new InvalidOperationException(
                    $"{trainer}: label column '{labelColumn}' has {key.Count} class(es); at least 2 are needed. "
                    + "Check that the training data holds rows of two or more classes before MapValueToKey.");
            if (weightColumn != null)
            {
                var weight = Find(schema, trainer, weightColumn, "example weight", "ExampleWeightColumnName");
                if (weight.Type != NumberDataViewType.Single)
                    throw new InvalidOperationException(
                        $"{trainer}: example weight column '{weightColumn}' has type {weight.Type}; it must be Single (float). "
                        + $"Convert it with mlContext.Transforms.Conversion.ConvertType(\"{weightColumn}\", outputKind: DataKind.Single).");
            }
            return (featureCount, (int)key.Count);
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

        private static DataViewSchema.Column Find(DataViewSchema schema, string trainer, string name, string role, string option)
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
