using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace Microsoft.ML.Trainers.Mlp.Internals
{
    /// <summary>
    /// Refuses, with a message that says what to do, to run against an ML.NET this build was not compiled for. The library
    /// calls ML.NET internals (<see cref="MlNetBridge"/>) that any ML.NET release may change; NuGet only warns about a newer
    /// Microsoft.ML, and without this check the first sign would be a MissingMethodException somewhere inside Fit or Model.Load.
    /// Checked where the library first touches ML.NET: every catalog entry point and trainer constructor (<see cref="MlNetBridge"/>),
    /// every model load (<see cref="Models.ModelFormat.Load{TModel}"/>) and the ONNX export check. Saving is not checked: a model
    /// can only be saved once it was trained or loaded, and both were.
    /// </summary>
    internal static class MlNetVersionGuard
    {
        /// <summary>Set this AppContext switch to run against an unsupported ML.NET anyway (at your own risk: an internal
        /// member that moved then fails mid-fit).</summary>
        public const string AllowUnsupportedSwitch = "Microsoft.ML.Mlp.AllowUnsupportedMlNetVersion";

        /// <summary>The assemblies whose internals the library uses; both ship in the Microsoft.ML package.</summary>
        public static readonly IReadOnlyList<string> GuardedAssemblies = new[] { "Microsoft.ML.Core", "Microsoft.ML.Data" };

        // Computed once: the loaded assemblies cannot change under a running process.
        private static readonly Lazy<string> s_problem = new(() => FindProblem(LoadedVersions(), BuildInfo.Load()));

        /// <summary>Throws <see cref="InvalidOperationException"/> if the loaded ML.NET is outside the supported range.</summary>
        public static void EnsureSupported()
        {
            string problem = s_problem.Value;
            if (problem != null && !(AppContext.TryGetSwitch(AllowUnsupportedSwitch, out bool allowed) && allowed))
                throw new InvalidOperationException(problem);
        }

        /// <summary>The range and version this assembly was built for, embedded by eng/PublicizeMlNet.targets.</summary>
        internal sealed record BuildInfo(string LibraryVersion, PackageVersionRange Supported, string BuiltAgainst)
        {
            public static BuildInfo Load()
            {
                var self = typeof(MlNetVersionGuard).Assembly;
                string Metadata(string key) => self.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
                    ?? throw new InvalidOperationException($"{self.GetName().Name} was built without its {key} metadata (eng/PublicizeMlNet.targets).");
                string library = self.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? self.GetName().Version?.ToString();
                return new BuildInfo(library?.Split('+')[0], PackageVersionRange.Parse(Metadata("SupportedMlNetVersions")), Metadata("BuiltAgainstMlNetVersion"));
            }
        }

        /// <summary>Package version (informational version) of each guarded assembly as this assembly binds to it; null when unreadable.</summary>
        internal static IReadOnlyList<(string Assembly, string Version)> LoadedVersions()
        {
            // Bind exactly as our own references do (the load context that loaded us), without naming an ML.NET type
            // that might itself have moved.
            var context = AssemblyLoadContext.GetLoadContext(typeof(MlNetVersionGuard).Assembly) ?? AssemblyLoadContext.Default;
            return GuardedAssemblies.Select(name =>
            {
                try
                {
                    var assembly = context.LoadFromAssemblyName(new AssemblyName(name));
                    return (name, assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
                }
                catch (Exception e) when (e is System.IO.FileNotFoundException or System.IO.FileLoadException or BadImageFormatException)
                {
                    return (name, (string)null);
                }
            }).ToArray();
        }

        /// <summary>The message to throw, or null when every guarded assembly is in <see cref="BuildInfo.Supported"/>. Pure: unit-tested.</summary>
        internal static string FindProblem(IReadOnlyList<(string Assembly, string Version)> loaded, BuildInfo build)
        {
            var bad = loaded.Where(a => !PackageVersion.TryParse(a.Version, out var v) || !build.Supported.Contains(v)).ToArray();
            if (bad.Length == 0)
                return null;
            string found = string.Join(" and ", bad.Select(a => a.Version == null
                ? $"{a.Assembly} of unknown version"
                : $"{a.Assembly} {a.Version.Split('+')[0]}"));
            string wanted = build.Supported.Describe();
            return $"Microsoft.ML.Mlp {build.LibraryVersion} cannot run with the ML.NET in this application: found {found}, "
                + $"but this Microsoft.ML.Mlp supports Microsoft.ML {build.Supported} only (it was built against {build.BuiltAgainst}). "
                + "It calls ML.NET internals that can change in any ML.NET release, so another version would fail in the middle of Fit or Model.Load. "
                + $"Reference Microsoft.ML {wanted} in your project (<PackageReference Include=\"Microsoft.ML\" Version=\"{build.BuiltAgainst}\" />), "
                + "or a Microsoft.ML.Mlp release built for the Microsoft.ML you need.";
        }
    }
}
