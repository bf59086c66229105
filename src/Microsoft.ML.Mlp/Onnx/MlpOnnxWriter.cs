using System;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Trainers.Mlp.Engine;

namespace Microsoft.ML.Trainers.Mlp.Onnx
{
    /// <summary>
    /// Writes a trained network into ML.NET's ONNX graph: its feature scaling when it has one (<see cref="WriteScaling"/>),
    /// then one Gemm per layer from the scoring network's own folded weights
    /// (batch norm folded exactly as <see cref="InferenceNetwork"/> scores, dropout absent), each hidden layer followed by its
    /// activation in standard operators, then the softmax when the network has one. Every operator exists at opset 9, the
    /// lowest ML.NET's converter writes (GELU through Erf, opset 9).
    /// </summary>
    internal static class MlpOnnxWriter
    {
        /// <summary>The lowest opset the graph needs: Erf and Gemm's broadcast bias came with opset 9.</summary>
        public const int MinimumOpSet = 9;

        /// <summary>
        /// Writes the network from <paramref name="features"/> (a [N, inputs] float variable) and returns the variable of its
        /// last layer, [N, outputs]: class probabilities when the network ends in softmax, raw values otherwise.
        /// </summary>
        /// <param name="ctx">The converter's ONNX context the nodes are added to.</param>
        /// <param name="network">The scoring network (batch normalisation already folded into the weights).</param>
        /// <param name="features">The input variable, [N, inputs] floats.</param>
        /// <param name="output">The variable the last node writes; null for a new intermediate variable.</param>
        public static string WriteNetwork(OnnxContext ctx, InferenceNetwork network, string features, string output = null)
        {
            ctx.CheckOpSetVersion(MinimumOpSet, "Mlp");
            string x = network.Scaler == null ? features : WriteScaling(ctx, network.Scaler, features);
            int last = network.LayerCount - 1;
            for (int l = 0; l <= last; l++)
            {
                var (weight, bias) = network.FoldedLayer(l);
                long outputs = bias.Length, inputs = weight.Length / bias.Length;
                string w = ctx.AddInitializer(weight, new[] { inputs, outputs }, $"MlpWeight{l}");
                string b = ctx.AddInitializer(bias, new[] { outputs }, $"MlpBias{l}");
                bool lastNode = l == last && !network.Softmax;
                string y = lastNode && output != null ? output : Intermediate(ctx, $"MlpLayer{l}");
                ctx.CreateNode("Gemm", new[] { x, w, b }, new[] { y }, ctx.GetNodeName("Gemm"), "");
                x = l < last ? WriteActivation(ctx, network.Activation, y) : y;
            }
            if (network.Softmax)
            {
                string probabilities = output ?? Intermediate(ctx, "MlpProbabilities");
                ctx.CreateNode("Softmax", x, probabilities, ctx.GetNodeName("Softmax"), "").AddAttribute("axis", 1L);
                x = probabilities;
            }
            return x;
        }

        /// <summary>
        /// The feature scaling as <see cref="FeatureScaler.Scale"/> computes it, operation for operation: Sub(center),
        /// Mul(multiplier), saturation to ±<see cref="FeatureScaler.Saturation"/> (Max, Min), then the smooth clip z / √(1 + (z · ⅓)²)
        /// as Mul(⅓), Mul(itself), Add(1), Sqrt, Div. A piecewise-linear encoding follows as <see cref="PiecewiseLinearEncoding.Encode"/>
        /// computes it: Gather(the bins' features), Sub(lower edges), Mul(multipliers), Max(0), Min(1), concatenated after the
        /// scaled features. Returns the network's [N, inputs] input variable.
        /// </summary>
        public static string WriteScaling(OnnxContext ctx, FeatureScaler scaler, string features)
        {
            var width = new long[] { scaler.Width };
            string Node(string op, string input, string operand, string name)
            {
                string output = Intermediate(ctx, name);
                ctx.CreateNode(op, new[] { input, operand ?? input }, new[] { output }, ctx.GetNodeName(op), "");
                return output;
            }
            string centred = Node("Sub", features, ctx.AddInitializer(scaler.Center.ToArray(), width, "MlpFeatureCenter"), "MlpCentred");
            string z = Node("Mul", centred, ctx.AddInitializer(scaler.Multiplier.ToArray(), width, "MlpFeatureMultiplier"), "MlpScaled");
            z = Node("Max", z, ctx.AddInitializer(-FeatureScaler.Saturation, "MlpSaturationLow"), "MlpSaturatedLow");
            z = Node("Min", z, ctx.AddInitializer(FeatureScaler.Saturation, "MlpSaturationHigh"), "MlpSaturated");
            string t = Node("Mul", z, ctx.AddInitializer(FeatureScaler.ClipFactor, "MlpClipFactor"), "MlpClipThird");
            string square = Node("Mul", t, null, "MlpClipSquare");
            string onePlus = Node("Add", square, ctx.AddInitializer(1f, "MlpClipOne"), "MlpClipOnePlus");
            string root = Intermediate(ctx, "MlpClipRoot");
            ctx.CreateNode("Sqrt", onePlus, root, ctx.GetNodeName("Sqrt"), "");
            string scaled = Node("Div", z, root, "MlpScaledFeatures");
            if (scaler.Encoding is not { } encoding)
                return scaled;
            var bins = new long[] { encoding.Count };
            var sources = new long[encoding.Count];
            for (int j = 0; j < sources.Length; j++)
                sources[j] = encoding.Source[j];
            string gathered = Intermediate(ctx, "MlpBinFeatures");
            ctx.CreateNode("Gather", new[] { scaled, ctx.AddInitializer(sources, bins, "MlpBinSource") }, new[] { gathered }, ctx.GetNodeName("Gather"), "")
                .AddAttribute("axis", 1L);
            string shifted = Node("Sub", gathered, ctx.AddInitializer(encoding.Lower.ToArray(), bins, "MlpBinLower"), "MlpBinShifted");
            string position = Node("Mul", shifted, ctx.AddInitializer(encoding.Multiplier.ToArray(), bins, "MlpBinMultiplier"), "MlpBinPosition");
            string above = Node("Max", position, ctx.AddInitializer(0f, "MlpBinZero"), "MlpBinAbove");
            string encoded = Node("Min", above, ctx.AddInitializer(1f, "MlpBinOne"), "MlpBinEncoded");
            string input = Intermediate(ctx, "MlpEncodedFeatures");
            ctx.CreateNode("Concat", new[] { scaled, encoded }, new[] { input }, ctx.GetNodeName("Concat"), "").AddAttribute("axis", 1L);
            return input;
        }

        /// <summary>ML.NET's multiclass PredictedLabel from a Score variable: the 1-based key of the largest score (the first on a
        /// tie, as ML.NET's scorer), as a [N, 1] UInt32.</summary>
        public static void WritePredictedLabel(OnnxContext ctx, string score, string predictedLabel)
        {
            string index = Intermediate(ctx, "MlpArgMax");
            var argMax = ctx.CreateNode("ArgMax", score, index, ctx.GetNodeName("ArgMax"), "");
            argMax.AddAttribute("axis", 1L);
            argMax.AddAttribute("keepdims", 1L);
            string key = Intermediate(ctx, "MlpKey");
            ctx.CreateNode("Add", new[] { index, ctx.AddInitializer(1L, "One") }, new[] { key }, ctx.GetNodeName("Add"), "");
            ctx.CreateNode("Cast", key, predictedLabel, ctx.GetNodeName("Cast"), "").AddAttribute("to", typeof(uint));
        }

        /// <summary><paramref name="output"/> = (float)(log(p) − log(1 − p)) computed in double with p first clipped to
        /// [<paramref name="clip"/>, 1 − <paramref name="clip"/>]: the one binary-ensemble logit (BinaryTask.Logit), with opset 9
        /// operators only (the clip is Max/Min with constants, not Clip-11's inputs).</summary>
        public static void WriteLogit(OnnxContext ctx, string probability, string output, double clip)
        {
            string p = Intermediate(ctx, "EnsembleProbabilityDouble");
            ctx.CreateNode("Cast", probability, p, ctx.GetNodeName("Cast"), "").AddAttribute("to", typeof(double));
            string atLeast = Intermediate(ctx, "EnsembleProbabilityAtLeast"), clipped = Intermediate(ctx, "EnsembleProbabilityClipped");
            ctx.CreateNode("Max", new[] { p, ctx.AddInitializer(clip, "MinimumProbability") }, new[] { atLeast }, ctx.GetNodeName("Max"), "");
            ctx.CreateNode("Min", new[] { atLeast, ctx.AddInitializer(1 - clip, "MaximumProbability") }, new[] { clipped }, ctx.GetNodeName("Min"), "");
            string complement = Intermediate(ctx, "EnsembleComplement"), logComplement = Intermediate(ctx, "EnsembleLogComplement"),
                logP = Intermediate(ctx, "EnsembleLogP"), logit = Intermediate(ctx, "EnsembleLogit");
            ctx.CreateNode("Sub", new[] { ctx.AddInitializer(1.0, "OneDouble"), clipped }, new[] { complement }, ctx.GetNodeName("Sub"), "");
            ctx.CreateNode("Log", clipped, logP, ctx.GetNodeName("Log"), "");
            ctx.CreateNode("Log", complement, logComplement, ctx.GetNodeName("Log"), "");
            ctx.CreateNode("Sub", new[] { logP, logComplement }, new[] { logit }, ctx.GetNodeName("Sub"), "");
            ctx.CreateNode("Cast", logit, output, ctx.GetNodeName("Cast"), "").AddAttribute("to", typeof(float));
        }

        /// <summary>A fresh variable name for a node's output inside the graph (no column, no declared type: ONNX Runtime infers it).</summary>
        public static string Intermediate(OnnxContext ctx, string name) => ctx.AddIntermediateVariable(null, name, skip: true);

        /// <summary>The hidden activation in standard operators: its <see cref="ActivationFunction.OnnxSteps"/>, one node per step,
        /// each constant a scalar initializer (the very constants managed scoring uses). Returns the last step's output.</summary>
        private static string WriteActivation(OnnxContext ctx, MlpActivation activation, string x)
        {
            var steps = ActivationFunction.For(activation).OnnxSteps;
            var outputs = new string[steps.Count];
            for (int s = 0; s < steps.Count; s++)
            {
                var step = steps[s];
                var inputs = new string[step.Inputs.Count];
                for (int i = 0; i < inputs.Length; i++)
                {
                    var operand = step.Inputs[i];
                    inputs[i] = operand.Kind switch
                    {
                        OnnxOperandKind.Input => x,
                        OnnxOperandKind.Step when operand.StepIndex >= 0 && operand.StepIndex < s => outputs[operand.StepIndex],
                        OnnxOperandKind.Constant => ctx.AddInitializer(operand.Value, $"Mlp{activation}Constant"),
                        _ => throw new InvalidOperationException($"{activation} step {s} reads step {operand.StepIndex}, not an earlier one."),
                    };
                }
                outputs[s] = Intermediate(ctx, s == steps.Count - 1 ? $"Mlp{activation}" : $"Mlp{activation}{step.Op}");
                var node = ctx.CreateNode(step.Op, inputs, new[] { outputs[s] }, ctx.GetNodeName(step.Op), "");
                foreach (var (name, value) in step.Attributes)
                    node.AddAttribute(name, value);
            }
            return outputs[^1];
        }
    }
}
