using System;
using System.Collections.Generic;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// One ONNX node of an activation's form (<see cref="ActivationFunction.OnnxSteps"/>), as plain data so the engine needs
    /// no ML.NET type: the Onnx writer turns each step into a node, its constants into initializers.
    /// </summary>
    internal sealed class OnnxStep
    {
        /// <param name="op">The ONNX operator (standard domain, at most opset 9: the lowest the writer targets).</param>
        /// <param name="inputs">The node's inputs, in order.</param>
        /// <param name="attributes">Float attributes, in order (ONNX stores them as float).</param>
        public OnnxStep(string op, OnnxOperand[] inputs, params (string Name, double Value)[] attributes)
        {
            Op = op ?? throw new ArgumentNullException(nameof(op));
            Inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
            Attributes = attributes;
        }

        /// <summary>The ONNX operator name, e.g. "Relu", "Mul".</summary>
        public string Op { get; }

        /// <summary>The node's inputs, in order.</summary>
        public IReadOnlyList<OnnxOperand> Inputs { get; }

        /// <summary>Attribute name → value, in the order written.</summary>
        public IReadOnlyList<(string Name, double Value)> Attributes { get; }

        /// <summary>The common one-node form: <paramref name="op"/> applied to the activation's input.</summary>
        public static OnnxStep[] Single(string op, params (string Name, double Value)[] attributes) =>
            new[] { new OnnxStep(op, new[] { OnnxOperand.Input }, attributes) };
    }

    /// <summary>What an <see cref="OnnxOperand"/> refers to.</summary>
    internal enum OnnxOperandKind
    {
        /// <summary>The activation's input (the layer's pre-activation values).</summary>
        Input,
        /// <summary>The output of an earlier step, by index.</summary>
        Step,
        /// <summary>A float scalar, broadcast.</summary>
        Constant,
    }

    /// <summary>An input of an <see cref="OnnxStep"/>: the activation's input, an earlier step's output, or a float constant.</summary>
    internal readonly record struct OnnxOperand(OnnxOperandKind Kind, int StepIndex, float Value)
    {
        /// <summary>The activation's input.</summary>
        public static OnnxOperand Input => new(OnnxOperandKind.Input, 0, 0f);

        /// <summary>The output of step <paramref name="index"/>, which must come before the step that reads it.</summary>
        public static OnnxOperand Step(int index) => new(OnnxOperandKind.Step, index, 0f);

        /// <summary>The float scalar <paramref name="value"/>.</summary>
        public static OnnxOperand Constant(float value) => new(OnnxOperandKind.Constant, 0, value);
    }
}
