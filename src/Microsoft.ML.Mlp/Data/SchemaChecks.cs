using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Trainers.Mlp.Data
{
    /// <summary>Schema errors raised before any training starts, each naming the column, what was found and the fix.</summary>
    internal static class SchemaChecks
    {
        /// <summary>Checks label, features and weight columns of a concrete schema; returns features width and class count
        /// (2 for a binary trainer's Boolean label: false is class 0, true class 1).</summary>
        public static (int FeatureCount, int ClassCount) CheckTrainingSchema(DataViewSchema schema, string trainer,
            string labelColumn, string featureColumn, string weightColumn, bool booleanLabel = false)
        {
            int featureCount = CheckFeatures(schema, trainer, featureColumn);
            var label = Find(schema, trainer, labelColumn, "label", "LabelColumnName");
            if (booleanLabel)
            {
                CheckBooleanLabel(trainer, labelColumn, label.Type);
                CheckWeight(schema, trainer, weightColumn);
                return (featureCount, 2);
            }
            if (label.Type is not KeyDataViewType key)
                throw new InvalidOperationException(
                    $"{trainer}: label column '{labelColumn}' has type {label.Type}, but a multiclass trainer needs a key-typed label. "
                    + $"Add mlContext.Transforms.Conversion.MapValueToKey(\"{labelColumn}\") before the trainer.");
            if (key.Count < 2 || key.Count > int.MaxValue)
                throw new InvalidOperationException(
                    $"{trainer}: label column '{labelColumn}' has {key.Count} class(es); at least 2 are needed. "
                    + "Check that the training data holds rows of two or more classes before MapValueToKey.");
            CheckWeight(schema, trainer, weightColumn);
            return (featureCount, (int)key.Count);
        }

        /// <summary>A binary trainer's label must be Boolean; anything else gets the conversion that makes one.</summary>
        public static void CheckBooleanLabel(string trainer, string labelColumn, DataViewType type, bool isKey = false)
        {
            if (type != BooleanDataViewType.Instance)
                throw new InvalidOperationException(
                    $"{trainer}: label column '{labelColumn}' has type {(isKey ? "key " : "")}{type}, but a binary classification trainer needs a Boolean label. "
                    + (isKey || type is KeyDataViewType
                        ? $"Map the key back first (mlContext.Transforms.Conversion.MapKeyToValue(\"{labelColumn}\")) and convert it to Boolean, "
                        : "")
                    + (type is TextDataViewType
                        ? $"Map the text to Boolean with mlContext.Transforms.Conversion.MapValue(\"{labelColumn}\", new[] {{ new KeyValuePair<string, bool>(\"yes\", true), new KeyValuePair<string, bool>(\"no\", false) }}) (your two label values), "
                        : $"Convert it with mlContext.Transforms.Conversion.ConvertType(\"{labelColumn}\", outputKind: DataKind.Boolean) (numbers: non-zero is true), ")
                    + $"or compute it with mlContext.Transforms.CustomMapping (e.g. digit => digit == 3), or load it as bool.");
        }

        /// <summary>A regression trainer's label must be a Single scalar; anything else gets the conversion that makes one.</summary>
        public static void CheckSingleLabel(string trainer, string labelColumn, DataViewType type, bool isKey = false)
        {
            if (type != NumberDataViewType.Single || isKey)
                throw new InvalidOperationException(
                    $"{trainer}: label column '{labelColumn}' has type {(isKey ? "key " : "")}{type}, but a regression trainer needs a Single (float) label. "
                    + (isKey || type is KeyDataViewType ? $"Map the key back first with mlContext.Transforms.Conversion.MapKeyToValue(\"{labelColumn}\"), then " : "")
                    + $"Convert it with mlContext.Transforms.Conversion.ConvertType(\"{labelColumn}\", outputKind: DataKind.Single), or load it as float.");
        }

        /// <summary>Checks a regression trainer's columns: known-size Single features, a Single label, an optional Single weight.
        /// Returns the feature count.</summary>
        public static int CheckRegressionSchema(DataViewSchema schema, string trainer, string labelColumn, string featureColumn, string weightColumn)
        {
            int featureCount = CheckFeatures(schema, trainer, featureColumn);
            CheckSingleLabel(trainer, labelColumn, Find(schema, trainer, labelColumn, "label", "LabelColumnName").Type);
            CheckWeight(schema, trainer, weightColumn);
            return featureCount;
        }

        /// <summary><see cref="CheckBooleanLabel(string, string, DataViewType, bool)"/> on an estimator's schema shape (GetOutputSchema).</summary>
        public static void CheckBooleanLabel(string trainer, SchemaShape.Column label)
        {
            if (label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType != BooleanDataViewType.Instance || label.IsKey)
                CheckBooleanLabel(trainer, label.Name, TypeOf(label), label.IsKey);
        }

        /// <summary><see cref="CheckSingleLabel(string, string, DataViewType, bool)"/> on an estimator's schema shape (GetOutputSchema).</summary>
        public static void CheckSingleLabel(string trainer, SchemaShape.Column label)
        {
            if (label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType != NumberDataViewType.Single || label.IsKey)
                CheckSingleLabel(trainer, label.Name, TypeOf(label), label.IsKey);
        }

        private static DataViewType TypeOf(SchemaShape.Column column) =>
            column.Kind == SchemaShape.Column.VectorKind.Scalar ? column.ItemType : new VectorDataViewType((PrimitiveDataViewType)column.ItemType);

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
