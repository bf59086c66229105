using System;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Internals;
using Microsoft.ML.Trainers.Mlp.Onnx;

namespace Microsoft.ML.Trainers.Mlp.Tasks
{
    /// <summary>Multiclass classification: a key-typed label in; Score (class probabilities) and PredictedLabel (a key) out.</summary>
    internal sealed class MulticlassTask : MlpTask
    {
        /// <summary>The one instance: the task has no settings of its own.</summary>
        public static readonly MulticlassTask Instance = new();

        private MulticlassTask()
        {
        }

        public override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

        public override string Description => "multiclass classification";

        public override string ExampleTrainer => "mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy()";

        public override string MlpTrainerName => "Mlp";

        public override int FormatCode => 0;

        public override bool HasClasses => true;

        private protected override MlpEarlyStoppingMetric[] TaskMetrics { get; } = { MlpEarlyStoppingMetric.ValidationAccuracy };

        public override SchemaShape.Column LabelShape(string labelColumn) => TrainerUtils.MakeU4ScalarColumn(labelColumn);

        public override void CheckLabel(string trainer, SchemaShape.Column label)
        {
            if (label.Kind != SchemaShape.Column.VectorKind.Scalar || !label.IsKey)
                throw new InvalidOperationException(
                    $"{trainer}: label column '{label.Name}' has type {label.ItemType}{(label.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : " vector")}, "
                    + $"but a multiclass trainer needs a key-typed label. Add mlContext.Transforms.Conversion.MapValueToKey(\"{label.Name}\") before the trainer.");
        }

        public override int CheckLabel(string trainer, string labelColumn, DataViewType type)
        {
            if (type is not KeyDataViewType key)
                throw new InvalidOperationException(
                    $"{trainer}: label column '{labelColumn}' has type {type}, but a multiclass trainer needs a key-typed label. "
                    + $"Add mlContext.Transforms.Conversion.MapValueToKey(\"{labelColumn}\") before the trainer.");
            if (key.Count < 2 || key.Count > int.MaxValue)
                throw new InvalidOperationException(
                    $"{trainer}: label column '{labelColumn}' has {key.Count} class(es); at least 2 are needed. "
                    + "Check that the training data holds rows of two or more classes before MapValueToKey.");
            return (int)key.Count;
        }

        public override LabelCursor OpenCursor(RoleMappedData data, CursOpt options, int outputWidth, bool oneCursor) => new LabelCursor.Classes(data, options, outputWidth, oneCursor);

        public override string DescribeOutputs(int outputWidth) => $" and {outputWidth} label classes";

        public override SchemaShape.Column[] OutputColumns(SchemaShape inputSchema, string labelColumn) =>
            MlNetBridge.MulticlassOutputColumns(inputSchema, labelColumn);

        public override ISingleFeaturePredictionTransformer<TModel> MakeTransformer<TModel>(IHostEnvironment env, TModel model, DataViewSchema trainSchema,
            string featureColumn, string labelColumn) =>
            new MulticlassPredictionTransformer<TModel>(env, model, trainSchema, featureColumn, labelColumn, DefaultColumnNames.Score, DefaultColumnNames.PredictedLabel);

        public override Objective Objective(int outputWidth, LabelScale scale, float labelSmoothing) => new SoftmaxObjective(outputWidth, reportsAuc: false, labelSmoothing);

        public override int CheckMember(IPredictor model, IValueMapper mapper, string describe) =>
            mapper.OutputType is VectorDataViewType { ItemType: NumberDataViewType, Size: >= 2 } scores ? scores.Size
                : throw new InvalidOperationException($"{describe} ({model.GetType().Name}) outputs {mapper.OutputType}, not a vector of class scores.");

        public override int MemberWidth(int outputWidth) => outputWidth;

        public override bool IsMemberWidth(int width) => width >= 2;

        public override MemberScorer MemberScorer(IPredictor model)
        {
            var map = ((IValueMapper)model).GetMapper<VBuffer<float>, VBuffer<float>>();
            VBuffer<float> scores = default;
            return (in VBuffer<float> features, Span<float> output) =>
            {
                map(in features, ref scores);
                if (scores.IsDense)
                    scores.GetValues().CopyTo(output);
                else
                    scores.CopyTo(output);
            };
        }

        // ML.NET keys may be Byte, UInt16, UInt32 or UInt64 underneath (MapValueToKey makes UInt32; a loader or a [KeyType] on a
        // byte field makes others): the getter must ask for the raw type. Missing keys (0) are a stratum of their own.
        public override Func<long> StratumReader(DataViewRowCursor cursor, DataViewSchema.Column label) => label.Type.RawType switch
        {
            Type t when t == typeof(byte) => Strata.Reader<byte>(cursor, label, k => k),
            Type t when t == typeof(ushort) => Strata.Reader<ushort>(cursor, label, k => k),
            Type t when t == typeof(ulong) => Strata.Reader<ulong>(cursor, label, k => (long)Math.Min(k, long.MaxValue)),
            _ => Strata.Reader<uint>(cursor, label, k => k),
        };

        public override string[] OnnxMemberColumns { get; } = { DefaultColumnNames.PredictedLabel, DefaultColumnNames.Score };

        public override int OnnxMemberOutput => 1;

        /// <summary>Score = the combined probabilities; PredictedLabel = their arg-max key.</summary>
        public override void WriteOnnxHead(OnnxContext ctx, string combined, string[] outputNames)
        {
            ctx.CreateNode("Identity", combined, outputNames[1], ctx.GetNodeName("Identity"), "");
            MlpOnnxWriter.WritePredictedLabel(ctx, outputNames[1], outputNames[0]);
        }
    }
}
