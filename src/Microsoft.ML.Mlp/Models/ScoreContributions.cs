using System;
using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.Mlp.Engine;
using Microsoft.ML.Trainers.Mlp.Internals;

namespace Microsoft.ML.Trainers.Mlp.Models
{
    /// <summary>
    /// ML.NET's <c>CalculateFeatureContribution</c> for the binary and regression Mlp (their <c>IFeatureContributionMapper</c>):
    /// the integrated gradients of the Score — the logit for binary, label units for regression — from the model's default
    /// baseline (<see cref="MlpModelParametersBase{TOutput}.FeatureMeans"/>, or zeros) in <see cref="IntegratedGradients.DefaultSteps"/>
    /// steps, then ML.NET's own top/bottom selection and normalisation, as its linear models do.
    /// </summary>
    internal static class ScoreContributions
    {
        /// <summary>A mapper for one cursor: a feature vector to its contributions (sparse: the <paramref name="top"/> largest
        /// positive and <paramref name="bottom"/> most negative; divided by the largest |value| when <paramref name="normalize"/>).</summary>
        public static ValueMapper<TSrc, VBuffer<float>> Create<TSrc, TDst, TOutput>(MlpModelParametersBase<TOutput> model, int top, int bottom, bool normalize)
        {
            MlNetVersionGuard.EnsureSupported();
            if (typeof(TSrc) != typeof(VBuffer<float>) || typeof(TDst) != typeof(VBuffer<float>))
                throw new InvalidOperationException($"The {model.GetType().Name} explains a VBuffer<float> feature column as a VBuffer<float>, not {typeof(TSrc).Name} as {typeof(TDst).Name}.");
            if (top < 0 || bottom < 0)
                throw new ArgumentOutOfRangeException(top < 0 ? nameof(top) : nameof(bottom), top < 0 ? top : bottom, "Contribution counts must be ≥ 0.");
            var gradients = new IntegratedGradients(model.CreateExplainedFunction(), IntegratedGradients.DefaultSteps);
            var baseline = model.DefaultBaseline;
            var row = new float[model.NumberOfFeatures];
            var target = new int[1];
            ValueMapper<VBuffer<float>, VBuffer<float>> map = (in VBuffer<float> src, ref VBuffer<float> dst) =>
            {
                model.CheckExplainable(src.Length);
                src.CopyTo(row);
                var editor = VBufferEditor.Create(ref dst, row.Length);
                gradients.Attribute(row, 1, baseline, target, editor.Values);
                dst = editor.Commit();
                SparsifyNormalize(ref dst, top, bottom, normalize);
            };
            return (ValueMapper<TSrc, VBuffer<float>>)(Delegate)map;
        }

        // ML.NET's own selection (Microsoft.ML.Numeric.VectorUtils, internal), so the output matches its linear models'.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void SparsifyNormalize(ref VBuffer<float> contributions, int top, int bottom, bool normalize) =>
            Numeric.VectorUtils.SparsifyNormalize(ref contributions, top, bottom, normalize);
    }
}
