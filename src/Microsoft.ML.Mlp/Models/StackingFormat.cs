using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp.Models
{
    /// <summary>
    /// The payload of a stacking ensemble (every task): which task it serves, the number of folds its meta-model was trained
    /// with, the feature vector length, and each member's output width. The members (Member000, Member001, …) and the
    /// meta-model (Meta) are sub-models in their own directories; the widths let the loader prove that what it loaded fits
    /// together (docs/model-format.md).
    /// </summary>
    internal static class StackingFormat
    {
        public static void Write(System.IO.BinaryWriter writer, MlpTask task, int numberOfFolds, int featureCount, int[] memberWidths)
        {
            writer.Write(task.FormatCode);
            writer.Write(numberOfFolds);
            writer.Write(featureCount);
            writer.Write(memberWidths.Length);
            foreach (int width in memberWidths)
                writer.Write(width);
        }

        public static (int NumberOfFolds, int FeatureCount, int[] MemberWidths) Read(FormatReader reader, MlpTask expected)
        {
            int task = reader.ReadInt32("the task");
            if (task != expected.FormatCode)
                throw FormatReader.Damaged($"the task is {task} where a {expected.Description} stacking ensemble has {expected.FormatCode}");
            int folds = reader.ReadInt32("the number of folds");
            if (folds < 2)
                throw FormatReader.Damaged($"the number of folds is {folds}, below 2");
            int features = reader.ReadInt32("the feature count");
            if (features < 1)
                throw FormatReader.Damaged($"the feature count is {features}, below 1");
            int count = reader.ReadCount(sizeof(int), "the member count");
            if (count < 2)
                throw FormatReader.Damaged($"the ensemble has {count} member(s), below 2");
            var widths = new int[count];
            for (int i = 0; i < count; i++)
            {
                widths[i] = reader.ReadInt32($"member {i}'s output width");
                if (!expected.IsMemberWidth(widths[i]) || widths[i] != widths[0])
                    throw FormatReader.Damaged($"member {i}'s output width is {widths[i]}, impossible for a {expected.Description} ensemble whose member 0 outputs {widths[0]}");
            }
            reader.ExpectEnd("member widths");
            return (folds, features, widths);
        }
    }
}
