using System;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Internals;
using Microsoft.ML.Trainers.Mlp.Onnx;

namespace Microsoft.ML.Trainers.Mlp.Tasks
{
    /// <summary>
    /// Binary classification: a Boolean label in (false is class 0, true class 1); Score (a logit), Probability and PredictedLabel
    /// out, as ML.NET's calibrated binary trainers. The network has two softmax outputs: a softmax over two logits is the sigmoid
    /// of their difference. Ensemble members give P(true); an ensemble's Score is <see cref="Logit"/> of their combination.
    /// </summary>
    internal sealed class BinaryTask : ScalarLabelTask
    {
        /// <summary>The one instance: the task has no settings of its own.</summary>
        public static readonly BinaryTask Instance = new();

        /// <summary>Probabilities are clipped to [this, 1 − this] before <see cref="Logit"/>: the weights' float rounding can put an
        /// all-certain combination a hair above 1, and a finite Score keeps its sigmoid exact.</summary>
        public const double MinimumProbability = 1e-15;

        private BinaryTask()
        {
        }

        public override PredictionKind PredictionKind => PredictionKind.BinaryClassification;

        public override string Description => "binary classification";

        public override string ExampleTrainer => "mlContext.BinaryClassification.Trainers.LbfgsLogisticRegression()";

        public override string MlpTrainerName => "Mlp (binary)";

        public override int FormatCode => 1;

        public override bool HasClasses => true;

        private protected override MlpEarlyStoppingMetric[] TaskMetrics { get; } = { MlpEarlyStoppingMetric.ValidationAccuracy, MlpEarlyStoppingMetric.ValidationAuc };

        /// <summary>The one formula every binary ensemble's Score uses: log(p) − log(1 − p) in double (a float 1 − p loses the
        /// digits that tell 0.9999 from 0.99999), p clipped to [<see cref="MinimumProbability"/>, 1 − <see cref="MinimumProbability"/>].</summary>
        public static float Logit(float probability)
        {
            double p = Math.Clamp((double)probability, MinimumProbability, 1 - MinimumProbability);
            return (float)(Math.Log(p) - Math.Log(1 - p));
        }

        public override SchemaShape.Column LabelShape(string labelColumn) => TrainerUtils.MakeBoolScalarLabel(labelColumn);

        private protected override DataViewType LabelType => BooleanDataViewType.Instance;

        private protected override int OutputWidth => 2;

        /// <summary>A label that is not Boolean gets the conversion that makes one.</summary>
        private protected override string WrongLabelMessage(string trainer, string labelColumn, DataViewType type, bool isKey) =>
            $"{trainer}: label column '{labelColumn}' has type {(isKey ? "key " : "")}{type}, but a binary classification trainer needs a Boolean label. "
                + (isKey || type is KeyDataViewType
                    ? $"Map the key back first (mlContext.Transforms.Conversion.MapKeyToValue(\"{labelColumn}\")) and convert it to Boolean, "
                    : "")
                + (type is TextDataViewType
                    ? $"Map the text to Boolean with mlContext.Transforms.Conversion.MapValue(\"{labelColumn}\", new[] {{ new KeyValuePair<string, bool>(\"yes\", true), new KeyValuePair<string, bool>(\"no\", false) }}) (your two label values), "
                    : $"Convert it with mlContext.Transforms.Conversion.ConvertType(\"{labelColumn}\", outputKind: DataKind.Boolean) (numbers: non-zero is true), ")
                + $"or compute it with mlContext.Transforms.CustomMapping (e.g. digit => digit == 3), or load it as bool.";

        public override LabelCursor OpenCursor(RoleMappedData data, CursOpt options, int outputWidth, bool oneCursor) => new LabelCursor.Classes(data, options, 2, oneCursor);

        public override string DescribeOutputs(int outputWidth) => "";

        public override SchemaShape.Column[] OutputColumns(SchemaShape inputSchema, string labelColumn) => MlNetBridge.BinaryOutputColumns();

        public override ISingleFeaturePredictionTransformer<TModel> MakeTransformer<TModel>(IHostEnvironment env, TModel model, DataViewSchema trainSchema,
            string featureColumn, string labelColumn) =>
            new BinaryPredictionTransformer<TModel>(env, model, trainSchema, featureColumn);

        public override Objective Objective(int outputWidth, LabelScale scale, float labelSmoothing) => new SoftmaxObjective(2, reportsAuc: true, labelSmoothing);

        public override int CheckMember(IPredictor model, IValueMapper mapper, string describe) =>
            model is IValueMapperDist { DistType: var type } && type == NumberDataViewType.Single ? 1
                : throw new InvalidOperationException(
                    $"{describe} ({model.GetType().Name}) gives a score but no probability, and binary ensembles combine probabilities. "
                    + "Use a calibrated binary trainer (LbfgsLogisticRegression, SdcaLogisticRegression, FastTree, LightGbm, Mlp); a member must be "
                    + "one trainer (a pipeline appending a calibrator to it is not a member the ensemble can score).");

        public override bool IsMemberWidth(int width) => width == 1;

        public override MemberScorer MemberScorer(IPredictor model)
        {
            var map = ((IValueMapperDist)model).GetMapper<VBuffer<float>, float, float>();
            float score = 0, probability = 0;
            return (in VBuffer<float> features, Span<float> output) =>
            {
                map(in features, ref score, ref probability);
                output[0] = probability;
            };
        }

        public override Func<long> StratumReader(DataViewRowCursor cursor, DataViewSchema.Column label) =>
            Strata.Reader<bool>(cursor, label, b => b ? 1 : 0);

        // A calibrated binary model writes Score into [1] and its calibrator Probability into [2].
        public override string[] OnnxMemberColumns { get; } = { DefaultColumnNames.PredictedLabel, DefaultColumnNames.Score, DefaultColumnNames.Probability };

        public override int OnnxMemberOutput => 2;

        /// <summary>Score = <see cref="Logit"/> of the combined P(true); ML.NET's calibrator wrapper adds Probability and PredictedLabel.</summary>
        public override void WriteOnnxHead(OnnxContext ctx, string combined, string[] outputNames) =>
            MlpOnnxWriter.WriteLogit(ctx, combined, outputNames[0], MinimumProbability);
    }
}
