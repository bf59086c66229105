using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.Trainers.Mlp.Tasks
{
    /// <summary>
    /// A task whose label is one value of one type (binary: Boolean; regression: Single): the label checks both estimators and
    /// concrete data need, with the fix each task's message gives.
    /// </summary>
    internal abstract class ScalarLabelTask : MlpTask
    {
        /// <summary>The label's type.</summary>
        private protected abstract DataViewType LabelType { get; }

        /// <summary>The network's output width this task trains.</summary>
        private protected abstract int OutputWidth { get; }

        /// <summary>The message for a label of the wrong type: what was found, what is needed, and the conversion that fixes it.</summary>
        private protected abstract string WrongLabelMessage(string trainer, string labelColumn, DataViewType type, bool isKey);

        public sealed override void CheckLabel(string trainer, SchemaShape.Column label)
        {
            if (label.Kind != SchemaShape.Column.VectorKind.Scalar || label.ItemType != LabelType || label.IsKey)
                Check(trainer, label.Name, SchemaChecks.TypeOf(label), label.IsKey);
        }

        public sealed override int CheckLabel(string trainer, string labelColumn, DataViewType type)
        {
            Check(trainer, labelColumn, type, false);
            return OutputWidth;
        }

        private void Check(string trainer, string labelColumn, DataViewType type, bool isKey)
        {
            if (type != LabelType || isKey)
                throw new InvalidOperationException(WrongLabelMessage(trainer, labelColumn, type, isKey));
        }
    }
}
