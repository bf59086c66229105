using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Mono.Cecil;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>
    /// A stand-in for a future ML.NET, for testing the version guard end to end in this process: copies of the real
    /// Microsoft.ML.Core and Microsoft.ML.Data stamped with another package version and, optionally, with one internal
    /// member renamed (as a release that moves it would), loaded with the library and the rest of ML.NET into their own
    /// <see cref="AssemblyLoadContext"/>. CoreCLR does not check strong-name signatures, so the doctored copies load.
    /// </summary>
    internal sealed class DoctoredMlNet : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "mlp-doctored-mlnet-" + Guid.NewGuid().ToString("N"));
        private readonly Context _context;

        /// <param name="packageVersion">The AssemblyInformationalVersion both doctored assemblies report.</param>
        /// <param name="renameMember">"Namespace.Type::Member" to rename (so it no longer resolves), or null.</param>
        public DoctoredMlNet(string packageVersion, string renameMember = null)
        {
            Directory.CreateDirectory(_directory);
            foreach (string name in new[] { "Microsoft.ML.Core", "Microsoft.ML.Data" })
            {
                using var assembly = AssemblyDefinition.ReadAssembly(Path.Combine(AppContext.BaseDirectory, name + ".dll"));
                var stamp = assembly.CustomAttributes.Single(a => a.AttributeType.FullName == typeof(AssemblyInformationalVersionAttribute).FullName);
                stamp.ConstructorArguments[0] = new CustomAttributeArgument(stamp.ConstructorArguments[0].Type, packageVersion);
                if (renameMember != null)
                {
                    // Renamed where it is defined and where the other doctored assembly calls it, as a release that moves
                    // it would: ML.NET keeps working, only the library's reference no longer resolves.
                    string[] parts = renameMember.Split("::");
                    if (assembly.MainModule.GetType(parts[0]) is TypeDefinition type)
                        foreach (var method in type.Methods.Where(m => m.Name == parts[1]))
                            method.Name += "Moved";
                    foreach (var reference in assembly.MainModule.GetMemberReferences().OfType<MethodReference>()
                        .Where(r => r.Name == parts[1] && r.DeclaringType.GetElementType().FullName == parts[0]))
                        reference.Name += "Moved";
                }
                assembly.Write(Path.Combine(_directory, name + ".dll"));
            }
            _context = new Context(_directory);
        }

        /// <summary>An assembly as code in the doctored context binds to it.</summary>
        public Assembly Load(string name) => _context.LoadFromAssemblyName(new AssemblyName(name));

        /// <summary>A new MLContext of the doctored ML.NET.</summary>
        public object NewMLContext() => Activator.CreateInstance(Load("Microsoft.ML.Data").GetType("Microsoft.ML.MLContext"), (int?)1);

        public void Dispose()
        {
            _context.Unload();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // Unloading is asynchronous; a file still mapped is left for the temp cleaner.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        /// <summary>ML.NET (doctored Core and Data, the rest as shipped) and Microsoft.ML.Mlp in their own context; everything
        /// else (the framework, TorchSharp) shared with the default context.</summary>
        private sealed class Context : AssemblyLoadContext
        {
            private readonly string _doctored;

            public Context(string doctored)
                : base("doctored ML.NET", isCollectible: true) => _doctored = doctored;

            protected override Assembly Load(AssemblyName name)
            {
                string doctored = Path.Combine(_doctored, name.Name + ".dll");
                if (File.Exists(doctored))
                    return LoadFromAssemblyPath(doctored);
                string shipped = Path.Combine(AppContext.BaseDirectory, name.Name + ".dll");
                return name.Name.StartsWith("Microsoft.ML", StringComparison.Ordinal) && File.Exists(shipped) ? LoadFromAssemblyPath(shipped) : null;
            }
        }
    }
}
