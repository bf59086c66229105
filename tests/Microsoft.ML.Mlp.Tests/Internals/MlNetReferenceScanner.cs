using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Mono.Cecil;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// Reads a built assembly's metadata and IL with Mono.Cecil and lists every ML.NET type, method and field it refers to
    /// (member references with their exact signatures, generic instances, base types and interfaces, attribute
    /// constructors, and the ML.NET virtual methods it overrides), then resolves each against the real ML.NET assemblies
    /// in one folder. What the compiler recorded, not a hand-kept list.
    /// </summary>
    internal sealed class MlNetReferenceScanner : IDisposable
    {
        private readonly DefaultAssemblyResolver _resolver = new();

        /// <param name="mlNetDirectory">Folder holding the ML.NET assemblies to resolve against (never the publicized copies).</param>
        public MlNetReferenceScanner(string mlNetDirectory)
        {
            foreach (string d in _resolver.GetSearchDirectories())
                _resolver.RemoveSearchDirectory(d);
            _resolver.AddSearchDirectory(mlNetDirectory);
            _resolver.AddSearchDirectory(RuntimeEnvironment.GetRuntimeDirectory());
        }

        public void Dispose() => _resolver.Dispose();

        /// <summary>One ML.NET entity the scanned assembly depends on, and what it resolved to (null: it does not resolve).</summary>
        public sealed record Dependency(string Kind, string Signature, IMemberDefinition Resolved, string Error)
        {
            public bool Resolves => Resolved != null;

            /// <summary>Not reachable by an ordinary third-party assembly: internal, private protected or private, or inside such a type.</summary>
            public bool IsNonPublic => Resolved != null && !IsAccessible(Resolved);
        }

        /// <summary>The ML.NET references of the assembly at <paramref name="path"/>, resolved.</summary>
        public IReadOnlyList<Dependency> Scan(string path)
        {
            using var module = ModuleDefinition.ReadModule(path, new ReaderParameters { AssemblyResolver = _resolver });
            var found = new List<(string Kind, MemberReference Reference)>();
            found.AddRange(module.GetTypeReferences().Where(IsMlNet).Select(t => ("type", (MemberReference)t)));
            foreach (var member in module.GetMemberReferences().Where(m => IsMlNet(m.DeclaringType)))
                found.Add((member is FieldReference ? "field" : "method", member));
            // Members a type overrides or implements are matched by name and signature at type load, not referenced
            // by token: an ML.NET change there fails with TypeLoadException. List them as dependencies too.
            var overridden = new List<Dependency>();
            foreach (var type in module.GetTypes())
                overridden.AddRange(OverriddenMlNetMembers(type));
            return Check(found).Concat(overridden)
                .GroupBy(d => (d.Kind, d.Signature)).Select(g => g.First())
                .OrderBy(d => d.Signature, StringComparer.Ordinal).ToArray();
        }

        /// <summary>Resolves each reference; a failure is reported, never thrown.</summary>
        public IReadOnlyList<Dependency> Check(IEnumerable<(string Kind, MemberReference Reference)> references) =>
            references.Select(r =>
            {
                try
                {
                    var resolved = r.Reference switch
                    {
                        TypeReference t => (IMemberDefinition)t.Resolve(),
                        MethodReference m => m.Resolve(),
                        FieldReference f => f.Resolve(),
                        _ => null,
                    };
                    return new Dependency(r.Kind, r.Reference.FullName, resolved, resolved == null ? "not found" : null);
                }
                catch (AssemblyResolutionException e)
                {
                    return new Dependency(r.Kind, r.Reference.FullName, null, $"assembly not found: {e.AssemblyReference.FullName}");
                }
            }).ToArray();

        /// <summary>
        /// The ML.NET members a type's layout depends on: each override must find its virtual slot in an ML.NET base class,
        /// and each abstract ML.NET method (base class or interface) must be implemented. Matched by name and parameter count:
        /// the exact signatures involve the bases' generic parameters, and the compiler already matched them once.
        /// </summary>
        private static IEnumerable<Dependency> OverriddenMlNetMembers(TypeDefinition type)
        {
            var chain = new List<TypeDefinition> { type }; // the type, then its bases (ours and ML.NET's)
            for (var baseRef = type.BaseType; baseRef?.Resolve() is TypeDefinition baseDef; baseRef = baseDef.BaseType)
                chain.Add(baseDef);
            if (!chain.Skip(1).Any(IsMlNet) && !AllInterfaces(chain).Any(IsMlNet))
                yield break;

            static bool Same(MethodDefinition a, MethodDefinition b) => a.Name == b.Name && a.Parameters.Count == b.Parameters.Count;
            foreach (var method in type.Methods.Where(m => m.IsVirtual && !m.IsNewSlot))
            {
                var slot = chain.Skip(1).SelectMany(t => t.Methods).FirstOrDefault(m => m.IsVirtual && Same(m, method));
                if (slot == null || IsMlNet(slot.DeclaringType))
                    yield return new Dependency("override", slot?.FullName ?? $"{type.FullName}::{method.Name} (its base slot)", slot,
                        slot == null ? "no virtual method with that name and arity in the base types" : null);
            }
            if (type.IsAbstract || type.IsInterface)
                yield break;
            var implemented = chain.SelectMany(t => t.Methods).Where(m => !m.IsAbstract).ToArray();
            var abstractInMlNet = chain.Skip(1).Where(IsMlNet).SelectMany(t => t.Methods).Where(m => m.IsAbstract)
                .Concat(AllInterfaces(chain).Where(IsMlNet).SelectMany(i => i.Methods).Where(m => m.IsAbstract && !m.IsStatic));
            foreach (var required in abstractInMlNet)
            {
                bool done = implemented.Any(m => Same(m, required) || m.Overrides.Any(o => o.Name == required.Name && o.Parameters.Count == required.Parameters.Count));
                yield return new Dependency("implements", required.FullName, done ? required : null,
                    done ? null : $"{type.FullName} does not implement it (an ML.NET update added or changed it)");
            }
        }

        private static IEnumerable<TypeDefinition> AllInterfaces(IEnumerable<TypeDefinition> chain)
        {
            var seen = new HashSet<string>();
            var pending = new Stack<TypeReference>(chain.SelectMany(t => t.Interfaces).Select(i => i.InterfaceType));
            while (pending.Count > 0)
            {
                if (pending.Pop().Resolve() is not TypeDefinition iface || !seen.Add(iface.FullName))
                    continue;
                yield return iface;
                foreach (var inner in iface.Interfaces)
                    pending.Push(inner.InterfaceType);
            }
        }

        /// <summary>ML.NET's assemblies: Microsoft.ML and Microsoft.ML.* (this library, Microsoft.ML.Mlp, excluded).</summary>
        public static bool IsMlNet(TypeReference type)
        {
            while (type is TypeSpecification spec)
                type = spec.ElementType;
            if (type == null || type is GenericParameter)
                return false;
            string assembly = type.Scope switch
            {
                AssemblyNameReference a => a.Name,
                ModuleDefinition m => m.Assembly.Name.Name,
                _ => null,
            };
            return assembly != null && (assembly == "Microsoft.ML" || assembly.StartsWith("Microsoft.ML.", StringComparison.Ordinal))
                && !assembly.StartsWith("Microsoft.ML.Mlp", StringComparison.Ordinal);
        }

        private static bool IsAccessible(IMemberDefinition member)
        {
            for (var type = member as TypeDefinition ?? member.DeclaringType; type != null; type = type.DeclaringType)
                if (!(type.IsPublic || type.IsNestedPublic || type.IsNestedFamily || type.IsNestedFamilyOrAssembly))
                    return false;
            return member switch
            {
                TypeDefinition => true,
                MethodDefinition m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
                FieldDefinition f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
                _ => false,
            };
        }

        /// <summary>The folder the test runs from; holds the real ML.NET assemblies (the test project references the package).</summary>
        public static string TestOutputDirectory => AppContext.BaseDirectory;

        /// <summary>The built library, as copied next to the tests.</summary>
        public static string LibraryPath => Path.Combine(TestOutputDirectory, "Microsoft.ML.Mlp.dll");
    }
}
