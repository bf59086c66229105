using System;
using System.IO;

namespace Samples.Shared
{
    /// <summary>Where the samples find the data committed to the repository.</summary>
    internal static class RepoRoot
    {
        /// <summary>The folder holding MlpTrainers.sln, from the running binary's folder or the working directory upwards.</summary>
        /// <param name="dataHint">What the caller looks for and how to do without it, for the error message.</param>
        public static string Find(string dataHint)
        {
            foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
                for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                    if (File.Exists(Path.Combine(dir.FullName, "MlpTrainers.sln")))
                        return dir.FullName;
            throw new DirectoryNotFoundException($"Cannot find the repository root (the folder with MlpTrainers.sln) holding {dataHint}.");
        }
    }
}
