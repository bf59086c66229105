using System;
using System.Linq;
using System.Reflection;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>Facts the test project's build embedded (see EmbedBuildFacts in the csproj): versions and paths no test hard-codes.</summary>
    internal static class ThisBuild
    {
        /// <summary>The value of one embedded fact; fails if the build did not embed it.</summary>
        public static string Metadata(string key)
        {
            string value = typeof(ThisBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value;
            if (string.IsNullOrEmpty(value))
                throw new InvalidOperationException($"The test build embedded no '{key}' (EmbedBuildFacts in Microsoft.ML.Mlp.Tests.csproj).");
            return value;
        }
    }
}
