using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Model.OnnxConverter;

namespace Microsoft.ML.Trainers.Mlp.Onnx
{
    /// <summary>
    /// ONNX export for ensembles of any task: checks that every member can export (naming the one that cannot), writes each
    /// member's graph into variables of its own, and writes the weighted average of the members' outputs. A voting or
    /// stacking model calls <see cref="CheckMembers"/> from its <c>CanSaveOnnx</c>, then <see cref="WriteMember"/> per member
    /// and <see cref="WriteWeightedAverage"/> (or its own combiner) from its <c>SaveAsOnnx</c>.
    /// </summary>
    internal static class OnnxEnsembleWriter
    {
        /// <summary>
        /// Throws a <see cref="NotSupportedException"/> naming the first member (index and type) that cannot be written as ONNX.
        /// ML.NET's converter would otherwise only say that the pipeline "can not be fully converted".
        /// </summary>
        /// <param name="ensemble">The ensemble's type name, for the message.</param>
        /// <param name="members">The members, in the ensemble's order.</param>
        /// <param name="used">Which members the graph needs (e.g. weight ≠ 0); null for all.</param>
        public static void CheckMembers(OnnxContext ctx, string ensemble, IReadOnlyList<object> members, Func<int, bool> used = null)
        {
            for (int i = 0; i < members.Count; i++)
            {
                if (used != null && !used(i))
                    continue;
                if (members[i] is ISingleCanSaveOnnx onnx && onnx.CanSaveOnnx(ctx))
                    continue;
                string type = members[i]?.GetType().Name ?? "null";
                throw new NotSupportedException(
                    $"This {ensemble} cannot be exported to ONNX: member {i} ({type}) has no ONNX form "
                    + (members[i] is ISingleCanSaveOnnx ? "in this pipeline (it declined to export)." : "(its trainer does not support ML.NET's ONNX export).")
                    + " Every member of an exported ensemble must export: train it with members whose trainers ML.NET can convert"
                    + " (this package's Mlp, or e.g. LbfgsMaximumEntropy, SdcaMaximumEntropy, NaiveBayes, LightGbm), or give that member weight 0.");
            }
        }

        /// <summary>
        /// Writes member <paramref name="index"/>'s graph from <paramref name="features"/> through its own ONNX export hook and
        /// returns its output variables: fresh names, one per entry of <paramref name="columns"/> (the task's columns in ML.NET's
        /// order, e.g. PredictedLabel, Score for multiclass; Score for regression), prefixed "Member{index}".
        /// </summary>
        public static string[] WriteMember(OnnxContext ctx, object member, int index, string[] columns, string features)
        {
            var outputs = columns.Select(c => MlpOnnxWriter.Intermediate(ctx, $"Member{index}{c}")).ToArray();
            if (!((ISingleCanSaveOnnx)member).SaveAsOnnx(ctx, outputs, features))
                throw new NotSupportedException($"Member {index} ({member.GetType().Name}) did not write its ONNX graph.");
            return outputs;
        }

        /// <summary>
        /// <paramref name="output"/> = Σ weights[m] · memberOutputs[m], summed in member order (as the managed ensembles do, so
        /// the products and sums round alike). Members of weight 0 are left out; the caller need not write their graphs.
        /// </summary>
        public static void WriteWeightedAverage(OnnxContext ctx, IReadOnlyList<string> memberOutputs, IReadOnlyList<float> weights, string output)
        {
            var terms = new List<string>();
            for (int m = 0; m < memberOutputs.Count; m++)
            {
                if (weights[m] == 0)
                    continue;
                string term = MlpOnnxWriter.Intermediate(ctx, $"Member{m}Weighted");
                ctx.CreateNode("Mul", new[] { memberOutputs[m], ctx.AddInitializer(weights[m], $"Member{m}Weight") }, new[] { term },
                    ctx.GetNodeName("Mul"), "");
                terms.Add(term);
            }
            ctx.CreateNode("Sum", terms, new[] { output }, ctx.GetNodeName("Sum"), "");
        }
    }
}
