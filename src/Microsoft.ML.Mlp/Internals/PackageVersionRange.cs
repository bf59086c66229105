using System;
using System.Globalization;
using System.Linq;

namespace Microsoft.ML.Trainers.Mlp.Internals
{
    /// <summary>A package version as ML.NET stamps it in AssemblyInformationalVersion: "5.0.1", "5.1.0-preview.1", "5.0.1+sha".</summary>
    internal readonly struct PackageVersion : IComparable<PackageVersion>
    {
        private PackageVersion(int major, int minor, int patch, string prerelease)
        {
            Major = major;
            Minor = minor;
            Patch = patch;
            Prerelease = prerelease;
        }

        public int Major { get; }

        public int Minor { get; }

        public int Patch { get; }

        /// <summary>"preview.1" in "5.1.0-preview.1"; empty for a release.</summary>
        public string Prerelease { get; }

        public bool IsPrerelease => Prerelease.Length > 0;

        /// <summary>Parses major[.minor[.patch[.revision]]][-prerelease][+metadata]; the revision and the metadata are ignored.</summary>
        public static bool TryParse(string text, out PackageVersion version)
        {
            version = default;
            if (string.IsNullOrWhiteSpace(text))
                return false;
            text = text.Trim();
            int plus = text.IndexOf('+');
            if (plus >= 0)
                text = text.Substring(0, plus);
            int dash = text.IndexOf('-');
            string prerelease = dash >= 0 ? text.Substring(dash + 1) : "";
            string[] parts = (dash >= 0 ? text.Substring(0, dash) : text).Split('.');
            if (parts.Length > 4 || (dash >= 0 && prerelease.Length == 0))
                return false;
            var numbers = new int[3];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                    return false;
                if (i < 3)
                    numbers[i] = n;
            }
            version = new PackageVersion(numbers[0], numbers[1], numbers[2], prerelease);
            return true;
        }

        /// <summary>Numeric parts only: 5.1.0-preview and 5.1.0 compare equal here.</summary>
        public int CompareRelease(PackageVersion other) =>
            Major != other.Major ? Major.CompareTo(other.Major)
            : Minor != other.Minor ? Minor.CompareTo(other.Minor)
            : Patch.CompareTo(other.Patch);

        /// <summary>SemVer order: a prerelease sorts before its release (labels compared ordinally, which is enough for a range check).</summary>
        public int CompareTo(PackageVersion other)
        {
            int release = CompareRelease(other);
            if (release != 0)
                return release;
            if (IsPrerelease != other.IsPrerelease)
                return IsPrerelease ? -1 : 1;
            return string.CompareOrdinal(Prerelease, other.Prerelease);
        }

        public override string ToString() =>
            IsPrerelease ? $"{Major}.{Minor}.{Patch}-{Prerelease}" : $"{Major}.{Minor}.{Patch}";
    }

    /// <summary>A NuGet version range ("[5.0.1, 5.1)", "[5.0.1]", "5.0.1" = at least 5.0.1), as written in Directory.Packages.props.</summary>
    internal sealed class PackageVersionRange
    {
        private PackageVersionRange(string text, PackageVersion? minimum, bool includesMinimum, PackageVersion? maximum, bool includesMaximum)
        {
            Text = text;
            Minimum = minimum;
            IncludesMinimum = includesMinimum;
            Maximum = maximum;
            IncludesMaximum = includesMaximum;
        }

        public string Text { get; }

        public PackageVersion? Minimum { get; }

        public bool IncludesMinimum { get; }

        public PackageVersion? Maximum { get; }

        public bool IncludesMaximum { get; }

        public static PackageVersionRange Parse(string text)
        {
            if (string.IsNullOrWhiteSpace(text))
                throw new FormatException("Empty version range.");
            string t = text.Trim();
            if (t[0] != '[' && t[0] != '(')
                return new PackageVersionRange(t, ParseVersion(t, text), true, null, false);
            char open = t[0], close = t[^1];
            if (close != ']' && close != ')')
                throw new FormatException($"Version range '{text}' does not end with ']' or ')'.");
            string[] bounds = t.Substring(1, t.Length - 2).Split(',');
            if (bounds.Length == 1)
            {
                if (open != '[' || close != ']')
                    throw new FormatException($"An exact version range must be written [x]: '{text}'.");
                var exact = ParseVersion(bounds[0], text);
                return new PackageVersionRange(t, exact, true, exact, true);
            }
            if (bounds.Length != 2)
                throw new FormatException($"Version range '{text}' has more than two bounds.");
            PackageVersion? min = string.IsNullOrWhiteSpace(bounds[0]) ? null : ParseVersion(bounds[0], text);
            PackageVersion? max = string.IsNullOrWhiteSpace(bounds[1]) ? null : ParseVersion(bounds[1], text);
            return new PackageVersionRange(t, min, open == '[', max, close == ']');
        }

        /// <summary>
        /// Whether <paramref name="version"/> is in the range. Stricter than NuGet at an exclusive upper bound: 5.1.0-preview is
        /// outside [5.0.1, 5.1), because a prerelease of the next minor already carries that minor's internals.
        /// </summary>
        public bool Contains(PackageVersion version)
        {
            if (Minimum is PackageVersion min)
            {
                int c = version.CompareTo(min);
                if (c < 0 || (c == 0 && !IncludesMinimum))
                    return false;
            }
            if (Maximum is PackageVersion max)
            {
                if (IncludesMaximum ? version.CompareTo(max) > 0 : version.CompareRelease(max) >= 0)
                    return false;
            }
            return true;
        }

        /// <summary>What a user should reference, in words: "5.0.x (5.0.1 or later)" for [5.0.1, 5.1), else the range itself.</summary>
        public string Describe()
        {
            if (Minimum is PackageVersion min && Maximum is PackageVersion max && IncludesMinimum && !IncludesMaximum
                && !max.IsPrerelease && max.Major == min.Major && max.Minor == min.Minor + 1 && max.Patch == 0)
                return min.Patch == 0 ? $"{min.Major}.{min.Minor}.x" : $"{min.Major}.{min.Minor}.x ({min} or later)";
            return Text;
        }

        public override string ToString() => Text;

        private static PackageVersion ParseVersion(string bound, string range) =>
            PackageVersion.TryParse(bound, out var v) ? v : throw new FormatException($"'{bound.Trim()}' in version range '{range}' is not a version.");
    }
}
