using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using Microsoft.ML.Trainers.Mlp;

namespace Microsoft.ML.Mlp.Benchmarks.Tabular
{
    /// <summary>
    /// The <c>--set Name=Value</c> assignments: public fields or properties of the Mlp options, set by reflection so an ablation
    /// needs no code change. Values: numbers (invariant culture), true/false, enum names, int or float lists as <c>256,256</c>
    /// (empty = empty array), <c>null</c> for nullable members.
    /// </summary>
    public sealed class MlpOptionSetter
    {
        // Every task's options: a member may exist on one only (regression's Loss, HuberDelta).
        private static readonly Type[] s_optionTypes =
            { typeof(MlpMulticlassTrainer.Options), typeof(MlpBinaryTrainer.Options), typeof(MlpRegressionTrainer.Options) };

        private readonly List<(string Name, string Text)> _assignments = new();

        public int Count => _assignments.Count;
        public IEnumerable<string> Assignments => _assignments.Select(a => $"{a.Name}={a.Text}");

        /// <summary>Adds one assignment, checked now (member exists, value converts) so a typo fails before any fit.</summary>
        public void Add(string assignment)
        {
            int eq = assignment.IndexOf('=');
            if (eq <= 0)
                throw new ArgumentException($"--set needs Name=Value, got '{assignment}'.");
            string name = assignment[..eq].Trim(), text = assignment[(eq + 1)..].Trim();
            var members = s_optionTypes.Select(t => Member(t, name)).Where(m => m != null).ToArray();
            if (members.Length == 0)
                throw new ArgumentException($"--set: the Mlp options have no public field or property '{name}'.");
            foreach (var member in members)
                Convert(name, text, MemberType(member));
            _assignments.Add((name, text));
        }

        /// <summary>Applies every assignment the options' type has, in command-line order.</summary>
        public void Apply(MlpOptionsBase options)
        {
            foreach (var (name, text) in _assignments)
            {
                switch (Member(options.GetType(), name))
                {
                    case FieldInfo f: f.SetValue(options, Convert(name, text, f.FieldType)); break;
                    case PropertyInfo p: p.SetValue(options, Convert(name, text, p.PropertyType)); break;
                }
            }
        }

        /// <summary>Names the assignments that <paramref name="optionsType"/> lacks, for a note in the output.</summary>
        public IEnumerable<string> Missing(Type optionsType) =>
            _assignments.Where(a => Member(optionsType, a.Name) == null).Select(a => a.Name);

        private static MemberInfo Member(Type type, string name)
        {
            if (type.GetField(name, BindingFlags.Public | BindingFlags.Instance) is FieldInfo field)
                return field;
            return type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is { CanWrite: true } property ? property : null;
        }

        private static Type MemberType(MemberInfo member) => member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;

        private static object Convert(string name, string text, Type type)
        {
            try
            {
                if (Nullable.GetUnderlyingType(type) is Type inner)
                    return text.Equals("null", StringComparison.OrdinalIgnoreCase) ? null : Convert(name, text, inner);
                if (type == typeof(int[]))
                    return List(text, s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture));
                if (type == typeof(float[]))
                    return List(text, s => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));
                if (type.IsEnum)
                    return Enum.Parse(type, text, ignoreCase: true) is var e && Enum.IsDefined(type, e)
                        ? e : throw new FormatException($"not a name of {type.Name}");
                if (type == typeof(bool))
                    return bool.Parse(text);
                if (type == typeof(string))
                    return text.Equals("null", StringComparison.OrdinalIgnoreCase) ? null : text;
                if (type.IsPrimitive)
                    return System.Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
                throw new FormatException($"members of type {type.Name} cannot be set from the command line");
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or InvalidCastException)
            {
                string expected = type.IsEnum ? $" ({string.Join(", ", Enum.GetNames(type))})" : "";
                throw new ArgumentException($"--set {name}={text}: not a {type.Name}{expected}: {e.Message}");
            }
        }

        private static T[] List<T>(string text, Func<string, T> parse) =>
            text.Length == 0 ? Array.Empty<T>() : text.Split(',', StringSplitOptions.TrimEntries).Select(parse).ToArray();
    }
}
