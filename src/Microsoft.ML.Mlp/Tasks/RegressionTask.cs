using System;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp.Tasks
{
    /// <summary>
    /// Regression: a Single label in; a Score in the label's units out. Networks have one linear output trained with
    /// <see cref="Loss"/> on the label standardised with the training rows' mean and standard deviation.
    /// </summary>
    internal sealed class RegressionTask : ScalarLabelTask
    {
        /// <summary>The task with the default loss: what ensembles of any regression trainers serve.</summary>
        public static readonly RegressionTask Default = new(MlpRegressionLoss.Squared, 1f);

        /// <param name="loss">The loss the Mlp minimises on the standardised label.</param>
        /// <param name="huberDelta">Where <see cref="MlpRegressionLoss.Huber"/> turns linear, in label standard deviations.</param>
        public RegressionTask(MlpRegressionLoss loss, float huberDelta)
        {
            Loss = loss;
            HuberDelta = huberDelta;
        }

        /// <summary>The loss the Mlp minimises on the standardised label.</summary>
        public MlpRegressionLoss Loss { get; }

        /// <summary>Where <see cref="MlpRegressionLoss.Huber"/> turns from quadratic to linear, in label standard deviations.</summary>
        public float HuberDelta { get; }

        public override PredictionKind PredictionKind => PredictionKind.Regression;

        public override string Description => "regression";

        public override string ExampleTrainer => "mlContext.Regression.Trainers.Sdca()";

        public override string MlpTrainerName => "Mlp (regression)";

        public override int FormatCode => 2;

        /// <summary>Piecewise-linear bins: measured on the tabular suite they gave its regression sets +0.008 R² on average over
        /// 6 seeds (ozone +0.033, cps1985 +0.021, boston2 −0.016), while its classification sets lost 0.001 (README, "Tabular data").</summary>
        public override MlpNumericEmbedding DefaultNumericEmbedding => MlpNumericEmbedding.PiecewiseLinear;

        public override bool HasClasses => false;

        private protected override MlpEarlyStoppingMetric[] TaskMetrics { get; } = { MlpEarlyStoppingMetric.ValidationRmse, MlpEarlyStoppingMetric.ValidationRSquared };

        public override SchemaShape.Column LabelShape(string labelColumn) => TrainerUtils.MakeR4ScalarColumn(labelColumn);

        private protected override DataViewType LabelType => NumberDataViewType.Single;

        private protected override int OutputWidth => 1;

        /// <summary>A label that is not a Single scalar gets the conversion that makes one.</summary>
        private protected override string WrongLabelMessage(string trainer, string labelColumn, DataViewType type, bool isKey) =>
            $"{trainer}: label column '{labelColumn}' has type {(isKey ? "key " : "")}{type}, but a regression trainer needs a Single (float) label. "
                + (isKey || type is KeyDataViewType ? $"Map the key back first with mlContext.Transforms.Conversion.MapKeyToValue(\"{labelColumn}\"), then " : "")
                + $"Convert it with mlContext.Transforms.Conversion.ConvertType(\"{labelColumn}\", outputKind: DataKind.Single), or load it as float.";

        public override LabelCursor OpenCursor(RoleMappedData data, CursOpt options, int outputWidth, bool oneCursor) => new LabelCursor.Values(data, options, oneCursor);

        public override string DescribeOutputs(int outputWidth) => "";

        public override SchemaShape.Column[] OutputColumns(SchemaShape inputSchema, string labelColumn) => MlNetBridge.RegressionOutputColumns();

        public override ISingleFeaturePredictionTransformer<TModel> MakeTransformer<TModel>(IHostEnvironment env, TModel model, DataViewSchema trainSchema,
            string featureColumn, string labelColumn) =>
            new RegressionPredictionTransformer<TModel>(env, model, trainSchema, featureColumn);

        public override Objective Objective(int outputWidth, LabelScale scale, float labelSmoothing) => new RegressionObjective(Loss, HuberDelta, scale.StandardDeviation);

        /// <summary>A warm start keeps the initial model's scale, so its output keeps its meaning; otherwise the training rows' own
        /// (unweighted mean and population standard deviation).</summary>
        public override LabelScale ScaleLabels(IRowSource train, IRowSource validation, LabelScale? initial)
        {
            var scale = initial ?? train.LabelMoments();
            train.ScaleLabels(scale);
            validation?.ScaleLabels(scale);
            return scale;
        }

        public override string EpochSummary(MlpEpochMetrics metrics) => metrics.RegressionSummary();

        public override int CheckMember(IPredictor model, IValueMapper mapper, string describe) =>
            mapper.OutputType == NumberDataViewType.Single ? 1
                : throw new InvalidOperationException($"{describe} ({model.GetType().Name}) outputs {mapper.OutputType}, not a Single score.");

        public override bool IsMemberWidth(int width) => width == 1;

        public override MemberScorer MemberScorer(IPredictor model)
        {
            var map = ((IValueMapper)model).GetMapper<VBuffer<float>, float>();
            float score = 0;
            return (in VBuffer<float> features, Span<float> output) =>
            {
                map(in features, ref score);
                output[0] = score;
            };
        }

        public override string[] OnnxMemberColumns { get; } = { DefaultColumnNames.Score };

        public override int OnnxMemberOutput => 0;

        /// <summary>Score = the combined score.</summary>
        public override void WriteOnnxHead(OnnxContext ctx, string combined, string[] outputNames) =>
            ctx.CreateNode("Identity", combined, outputNames[0], ctx.GetNodeName("Identity"), "");
    }
}
