using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace TextClassification
{
    /// <summary>One labelled document: the two columns a text CSV has (Label, Text).</summary>
    public sealed class TextDocument
    {
        /// <summary>The class, as text (MapValueToKey turns it into a key).</summary>
        public string Label { get; set; }

        /// <summary>The document.</summary>
        public string Text { get; set; }
    }

    /// <summary>
    /// A deterministic synthetic corpus for scaling experiments (the benchmark links this file): five classes,
    /// 30–50 words (40 on average) per document over a 30,000-word pseudo-word vocabulary. Most words come from one
    /// background distribution shared by every class (Zipf, like natural text); about a quarter come from the document's
    /// class topic, and neighbouring topics share half their words, so a linear model is right 97–98 % of the time
    /// rather than always (SdcaMaximumEntropy on default FeaturizeText: 0.984 on 1,000 held-out documents after 5,000
    /// training documents, which give 213,739 feature slots). Document i depends only on (seed, i): any range can be
    /// generated lazily, in any order.
    /// </summary>
    public static class SyntheticCorpus
    {
        /// <summary>The class names, in label order.</summary>
        public static readonly IReadOnlyList<string> Classes = new[] { "business", "science", "sports", "politics", "arts" };

        private const int VocabularySize = 30_000;
        private const int TopicSize = 400;          // words per class topic; half of them shared with the next class
        private const double TopicShare = 0.28;    // chance that a word comes from the class topic, not the background

        private static readonly Lazy<string[]> s_vocabulary = new(() => MakeVocabulary(VocabularySize));
        private static readonly Lazy<double[]> s_background = new(() => ZipfCumulative(VocabularySize, 0.8));
        private static readonly Lazy<double[]> s_topic = new(() => ZipfCumulative(TopicSize, 0.8));

        /// <summary>Documents <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1, generated as enumerated.</summary>
        public static IEnumerable<TextDocument> Generate(int first, int count, int seed = 0)
        {
            if (first < 0 || count < 0)
                throw new ArgumentOutOfRangeException(first < 0 ? nameof(first) : nameof(count), "Document ranges start at 0 and hold 0 or more documents.");
            for (int i = first; i < first + count; i++)
                yield return Document(i, seed);
        }

        /// <summary>Document <paramref name="index"/> of the corpus with this <paramref name="seed"/>.</summary>
        public static TextDocument Document(int index, int seed = 0)
        {
            var vocabulary = s_vocabulary.Value;
            var random = new Random(DocumentSeed(seed, index));
            int label = random.Next(Classes.Count);
            int words = 30 + random.Next(21);
            var text = new StringBuilder(words * 8);
            for (int w = 0; w < words; w++)
            {
                int word = random.NextDouble() < TopicShare
                    ? TopicWord(label, Sample(s_topic.Value, random), random)
                    : Sample(s_background.Value, random);
                if (w > 0)
                    text.Append(' ');
                text.Append(vocabulary[word]);
            }
            return new TextDocument { Label = Classes[label], Text = text.ToString() };
        }

        /// <summary>Topic word k of a class. Even k are the class's own words; an odd k is, at random, the word of this class's
        /// topic or of the previous class's, so neighbouring classes share those words. Topics sit in the rarer part of
        /// the vocabulary, where background words seldom land.</summary>
        private static int TopicWord(int label, int k, Random random)
        {
            int owner = k % 2 == 1 && random.Next(2) == 0 ? (label + Classes.Count - 1) % Classes.Count : label;
            return VocabularySize / 3 + owner * TopicSize + k;
        }

        /// <summary>SplitMix64 of (seed, index): stable across processes and runtimes, unlike HashCode.</summary>
        private static int DocumentSeed(int seed, int index)
        {
            ulong z = ((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return unchecked((int)(z ^ (z >> 31)));
        }

        private static int Sample(double[] cumulative, Random random)
        {
            int i = Array.BinarySearch(cumulative, random.NextDouble());
            return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
        }

        private static double[] ZipfCumulative(int size, double exponent)
        {
            var cumulative = new double[size];
            double sum = 0;
            for (int r = 0; r < size; r++)
                cumulative[r] = sum += 1 / Math.Pow(r + 1, exponent);
            for (int r = 0; r < size; r++)
                cumulative[r] /= sum;
            return cumulative;
        }

        /// <summary>Distinct pronounceable pseudo-words of 2–4 syllables, the same on every run and platform.</summary>
        private static string[] MakeVocabulary(int size)
        {
            const string consonants = "bcdfghjklmnprstvwz";
            const string vowels = "aeiou";
            var random = new Random(20_240_601);
            var words = new HashSet<string>();
            var list = new List<string>(size);
            var word = new StringBuilder();
            while (list.Count < size)
            {
                word.Clear();
                int syllables = 2 + random.Next(3);
                for (int s = 0; s < syllables; s++)
                    word.Append(consonants[random.Next(consonants.Length)]).Append(vowels[random.Next(vowels.Length)]);
                if (words.Add(word.ToString()))
                    list.Add(word.ToString());
            }
            return list.ToArray();
        }
    }
}
