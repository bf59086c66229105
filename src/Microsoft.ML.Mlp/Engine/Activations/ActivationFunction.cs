using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>
    /// One hidden-layer activation, whole: its forward pass (managed scoring and the fast training path), its derivative
    /// (the fast path's backward pass) and its ONNX form. A new activation is one sealed subclass in this folder plus its
    /// <see cref="MlpActivation"/> value; <see cref="For"/> finds it by reflection, so nothing else needs editing. (The test
    /// project's ReferenceNetwork keeps its own torch definitions on purpose: it is the independent oracle.)
    /// </summary>
    /// <remarks>Callers pass whole blocks (a row, a batch); the virtual call is once per block, the loop inside.</remarks>
    internal abstract class ActivationFunction
    {
        private static readonly IReadOnlyDictionary<MlpActivation, ActivationFunction> s_byKind = Discover();

        /// <summary>The option value this class implements.</summary>
        public abstract MlpActivation Kind { get; }

        /// <summary>The ONNX form, engine-neutral: steps in order, the last one's output is f(x) (see <see cref="OnnxStep"/>).
        /// Its constants must be the ones <see cref="Forward(ReadOnlySpan{float}, Span{float})"/> uses, so that ONNX scores
        /// as managed scoring does.</summary>
        public abstract IReadOnlyList<OnnxStep> OnnxSteps { get; }

        /// <summary>y = f(x) element-wise; <paramref name="y"/> may be <paramref name="x"/> (in place).</summary>
        public abstract void Forward(ReadOnlySpan<float> x, Span<float> y);

        /// <summary>x = f(x) element-wise, in place.</summary>
        public void Forward(Span<float> x) => Forward(x, x);

        /// <summary>Multiplies <paramref name="grad"/> (dy) by f′ at input <paramref name="u"/>, whose forward output was
        /// <paramref name="y"/> (each activation reads whichever is cheaper).</summary>
        public abstract void Backward(Span<float> grad, ReadOnlySpan<float> u, ReadOnlySpan<float> y);

        /// <summary>The implementation of <paramref name="activation"/> (one shared, stateless instance).</summary>
        /// <exception cref="ArgumentOutOfRangeException">No subclass implements it.</exception>
        public static ActivationFunction For(MlpActivation activation) =>
            s_byKind.TryGetValue(activation, out var function) ? function
                : throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");

        /// <summary>One instance of every concrete subclass in this assembly, by <see cref="Kind"/>.</summary>
        private static Dictionary<MlpActivation, ActivationFunction> Discover()
        {
            Type[] types;
            try
            {
                types = typeof(ActivationFunction).Assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException e)
            {
                // Types built on ML.NET internals may fail to load against an unsupported ML.NET (MlNetVersionGuard's case,
                // which can be overridden); ours do not depend on it, so take what loaded rather than fail here.
                types = e.Types.Where(t => t != null).ToArray();
            }
            var byKind = new Dictionary<MlpActivation, ActivationFunction>();
            foreach (var type in types.Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(ActivationFunction))))
            {
                var function = (ActivationFunction)Activator.CreateInstance(type, nonPublic: true);
                if (!byKind.TryAdd(function.Kind, function))
                    throw new InvalidOperationException($"{type.Name} and {byKind[function.Kind].GetType().Name} both implement {function.Kind}.");
            }
            return byKind;
        }
    }
}
