using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;

namespace Microsoft.ML.Trainers.Mlp.Onnx
{
    /// <summary>
    /// ONNX export for ensembles of any task: checks that every member can export (naming the one that cannot), writes each
    /// member's graph into variables of its own, combines them (weighted average, or a stacking meta-model), and writes the
    /// task's head. A voting or stacking model calls <see cref="CheckMembers"/> from its <c>CanSaveOnnx</c>, then
    /// <see cref="WriteOutput"/> per member, its combiner and <see cref="WriteHead"/> from its <c>SaveAsOnnx</c>.
    /// </summary>
    internal static class OnnxEnsembleWriter
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
        public static string WriteOutput(OnnxContext ctx, object model, string name, EnsembleTask task, string features) => task switch
        {
            // ML.NET's column order per task; a calibrated binary model writes Score into [1] and its calibrator Probability into [2].
            EnsembleTask.Multiclass => WriteMember(ctx, model, name, new[] { DefaultColumnNames.PredictedLabel, DefaultColumnNames.Score }, features)[1],
            EnsembleTask.Binary => WriteMember(ctx, model, name,
                new[] { DefaultColumnNames.PredictedLabel, DefaultColumnNames.Score, DefaultColumnNames.Probability }, features)[2],
            _ => WriteMember(ctx, model, name, new[] { DefaultColumnNames.Score }, features)[0],
        };

        /// <summary>
        /// The ensemble's own outputs (<paramref name="outputNames"/>, as the task's scorer names them) from <paramref name="combined"/>,
        /// the variable the task's scorer would read: multiclass probabilities → Score and its arg-max PredictedLabel; binary P(true)
        /// → Score = log(p / (1 − p)) in double (p first clipped to [<paramref name="clip"/>, 1 − <paramref name="clip"/>] when given),
        /// to which ML.NET's calibrator wrapper adds Probability and PredictedLabel; regression score → Score.
        /// </summary>
        public static void WriteHead(OnnxContext ctx, EnsembleTask task, string combined, string[] outputNames, double? clip = null)
        {
            switch (task)
            {
                case EnsembleTask.Multiclass:
                    ctx.CreateNode("Identity", combined, outputNames[1], ctx.GetNodeName("Identity"), "");
                    MlpOnnxWriter.WritePredictedLabel(ctx, outputNames[1], outputNames[0]);
                    break;
                case EnsembleTask.Binary:
                    WriteLogit(ctx, combined, outputNames[0], clip);
                    break;
                default:
                    ctx.CreateNode("Identity", combined, outputNames[0], ctx.GetNodeName("Identity"), "");
                    break;
            }
        }

        /// <summary><paramref name="output"/> = (float)log(p / (1 − p)) computed in double, as the managed binary ensembles do (opset 9
        /// operators only: the clip is Max/Min with constants, not Clip-11's inputs).</summary>
        private static void WriteLogit(OnnxContext ctx, string probability, string output, double? clip)
        {
            string p = MlpOnnxWriter.Intermediate(ctx, "EnsembleProbabilityDouble");
            ctx.CreateNode("Cast", probability, p, ctx.GetNodeName("Cast"), "").AddAttribute("to", typeof(double));
            if (clip is double low)
            {
                string atLeast = MlpOnnxWriter.Intermediate(ctx, "EnsembleProbabilityAtLeast"), clipped = MlpOnnxWriter.Intermediate(ctx, "EnsembleProbabilityClipped");
                ctx.CreateNode("Max", new[] { p, ctx.AddInitializer(low, "MinimumProbability") }, new[] { atLeast }, ctx.GetNodeName("Max"), "");
                ctx.CreateNode("Min", new[] { atLeast, ctx.AddInitializer(1 - low, "MaximumProbability") }, new[] { clipped }, ctx.GetNodeName("Min"), "");
                p = clipped;
            }
            string complement = MlpOnnxWriter.Intermediate(ctx, "EnsembleComplement"), odds = MlpOnnxWriter.Intermediate(ctx, "EnsembleOdds"),
                logit = MlpOnnxWriter.Intermediate(ctx, "EnsembleLogit");
            ctx.CreateNode("Sub", new[] { ctx.AddInitializer(1.0, "OneDouble"), p }, new[] { complement }, ctx.GetNodeName("Sub"), "");
            if (clip == null)
            {
                // log(p / (1 − p)): the stacking models' arithmetic.
                ctx.CreateNode("Div", new[] { p, complement }, new[] { odds }, ctx.GetNodeName("Div"), "");
                ctx.CreateNode("Log", odds, logit, ctx.GetNodeName("Log"), "");
            }
            else
            {
                // log(p) − log(1 − p): the voting model's arithmetic.
                string logP = MlpOnnxWriter.Intermediate(ctx, "EnsembleLogP");
                ctx.CreateNode("Log", p, logP, ctx.GetNodeName("Log"), "");
                ctx.CreateNode("Log", complement, odds, ctx.GetNodeName("Log"), "");
                ctx.CreateNode("Sub", new[] { logP, odds }, new[] { logit }, ctx.GetNodeName("Sub"), "");
            }
            ctx.CreateNode("Cast", logit, output, ctx.GetNodeName("Cast"), "").AddAttribute("to", typeof(float));
        }

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
