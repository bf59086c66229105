using System;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.Mlp.Tests
{
    /// <summary>The Debian 12 fix: the copy of libLibTorchSharp.so in the output folder has GLIBCXX_3.4.32 marked weak; the NuGet cache copy is untouched.</summary>
    public class NativeFixTests
    {
        [Fact]
        public void OutputCopyHasTheWeakVersionNeedAndTorchStarts()
        {
            var copies = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
            Assert.NotEmpty(copies);
            foreach (var copy in copies)
                Assert.Equal(2, Glibcxx3432Flags(copy) & 2);
            using var t = ones(3).sum();
            Assert.Equal(3f, t.item<float>());
        }

        [Fact]
        public void NuGetCacheCopyIsNotModified()
        {
            // The exact files the build copied from (embedded by the test project's build, not a hard-coded version or cache root).
            var cached = ThisBuild.Metadata("TorchSharpNativeInNuGetCache").Split(';', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(cached);
            foreach (string path in cached)
            {
                Assert.True(File.Exists(path), $"{path} (where the build copied libLibTorchSharp.so from) is gone");
                Assert.Equal(0, Glibcxx3432Flags(path) & 2);
            }
        }

        /// <summary>vna_flags of the GLIBCXX_3.4.32 entry in .gnu.version_r (ELF64 little-endian).</summary>
        private static int Glibcxx3432Flags(string path)
        {
            byte[] elf = File.ReadAllBytes(path);
            long shoff = BitConverter.ToInt64(elf, 0x28);
            int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
            for (int s = 0; s < shnum; s++)
            {
                long sh = shoff + (long)s * shentsize;
                if (BitConverter.ToUInt32(elf, (int)sh + 4) != 0x6ffffffe)
                    continue;
                long need = BitConverter.ToInt64(elf, (int)sh + 0x18);
                int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
                long strings = BitConverter.ToInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);
                while (true)
                {
                    int count = BitConverter.ToUInt16(elf, (int)need + 2);
                    long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                    for (int a = 0; a < count; a++)
                    {
                        long name = strings + BitConverter.ToUInt32(elf, (int)aux + 8);
                        int end = (int)name;
                        while (elf[end] != 0) end++;
                        if (Encoding.ASCII.GetString(elf, (int)name, end - (int)name) == "GLIBCXX_3.4.32")
                            return BitConverter.ToUInt16(elf, (int)aux + 4);
                        aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                    }
                    uint next = BitConverter.ToUInt32(elf, (int)need + 12);
                    if (next == 0) break;
                    need += next;
                }
            }
            throw new InvalidDataException($"{path} has no GLIBCXX_3.4.32 version need");
        }
    }
}
