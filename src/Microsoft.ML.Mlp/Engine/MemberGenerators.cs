using System;
using System.Linq;
using static TorchSharp.torch;

namespace Microsoft.ML.Trainers.Mlp.Engine
{
    /// <summary>One torch generator per member, seeded from that member's seed, so each member's initial weights and
    /// shuffles are reproducible alone. Owns the generators (native objects).</summary>
    internal sealed class MemberGenerators : IDisposable
    {
        public MemberGenerators(int[] seeds) => All = seeds.Select(s => new Generator(unchecked((ulong)(uint)s))).ToArray();

        /// <summary>Member m's generator at index m.</summary>
        public Generator[] All { get; }

        public void Dispose()
        {
            foreach (var generator in All)
                generator.Dispose();
        }
    }
}
