using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Trainers.Mlp.Onnx;
using Microsoft.ML.Trainers.Mlp.Tasks;

namespace Microsoft.ML.Trainers.Mlp
{
    /// <summary>
    /// ONNX export for ensembles of any task: checks that every member can export (naming the one that cannot), writes each
    /// member's graph into variables of its own, combines them (weighted average, or a stacking meta-model), and writes the
    /// task's head. A voting or stacking model calls <see cref="CheckMembers"/> from its <c>CanSaveOnnx</c>, then
    /// <see cref="WriteOutput"/> per member, its combiner and the task's <see cref="MlpTask.WriteOnnxHead"/> from its <c>SaveAsOnnx</c>.
    /// </summary>
    internal static class EnsembleOnnx
    {
        /// <summary>
        /// Throws a <see cref="NotSupportedException"/> naming the first member (index and type) that cannot be written as ONNX.
        /// ML.NET's converter would otherwise only say that the pipeline "can not be fully converted".
        /// </summary>
        /// <param name="ctx">The converter's context, passed to each member's own check.</param>
        /// <param name="ensemble">The ensemble's type name, for the message.</param>
        /// <param name="members">The members, in the ensemble's order.</param>
        /// <param name="used">Which members the graph needs (e.g. weight ≠ 0); null for all (then the message does not offer weight 0).</param>
        public static void CheckMembers(OnnxContext ctx, string ensemble, IReadOnlyList<object> members, Func<int, bool> used = null)
        {
            for (int i = 0; i < members.Count; i++)
                if (used == null || used(i))
                    CheckPart(ctx, ensemble, members[i], $"member {i}", used == null ? "." : ", or give that member weight 0.");
        }

        /// <summary>Throws a <see cref="NotSupportedException"/> naming <paramref name="part"/> (e.g. "member 2", "the meta-model") and its
        /// type when <paramref name="model"/> cannot be written as ONNX.</summary>
        /// <param name="ctx">The converter's context, passed to the model's own check.</param>
        /// <param name="ensemble">The ensemble's type name, for the message.</param>
        /// <param name="model">The member's or meta-model's model parameters.</param>
        /// <param name="part">How the message names the model.</param>
        /// <param name="adviceEnd">The end of the message's advice (". " or a further way out, e.g. weight 0).</param>
        public static void CheckPart(OnnxContext ctx, string ensemble, object model, string part, string adviceEnd = ".")
        {
            if (model is ISingleCanSaveOnnx onnx && onnx.CanSaveOnnx(ctx))
                return;
            string type = model?.GetType().Name ?? "null";
            throw new NotSupportedException(
                $"This {ensemble} cannot be exported to ONNX: {part} ({type}) has no ONNX form "
                + (model is ISingleCanSaveOnnx ? "in this pipeline (it declined to export)." : "(its trainer does not support ML.NET's ONNX export).")
                + " Every part of an exported ensemble must export: train it with trainers ML.NET can convert"
                + " (this package's Mlp, or e.g. LbfgsMaximumEntropy, LbfgsLogisticRegression, Sdca, NaiveBayes, LightGbm)" + adviceEnd);
        }

        /// <summary>
        /// Writes one member's (or a stacking meta-model's) graph from <paramref name="features"/> and returns the variable of its
        /// output in the ensemble's terms (as <see cref="EnsembleMember"/> scores it): class probabilities [N, classes] for multiclass,
        /// the calibrated probability of true [N, 1] for binary, the score [N, 1] for regression. <paramref name="name"/> prefixes
        /// its variables, e.g. "Member2" or "Meta".
        /// </summary>
        public static string WriteOutput(OnnxContext ctx, object model, string name, MlpTask task, string features) =>
            WriteMember(ctx, model, name, task.OnnxMemberColumns, features)[task.OnnxMemberOutput];

        /// <summary>
        /// Writes a member's graph from <paramref name="features"/> through its own ONNX export hook and returns its output
        /// variables: fresh names, one per entry of <paramref name="columns"/> (the task's columns in ML.NET's order), prefixed
        /// <paramref name="name"/>.
        /// </summary>
        private static string[] WriteMember(OnnxContext ctx, object member, string name, string[] columns, string features)
        {
            var outputs = columns.Select(c => MlpOnnxWriter.Intermediate(ctx, $"{name}{c}")).ToArray();
            if (!((ISingleCanSaveOnnx)member).SaveAsOnnx(ctx, outputs, features))
                throw new NotSupportedException($"{name} ({member.GetType().Name}) did not write its ONNX graph.");
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
