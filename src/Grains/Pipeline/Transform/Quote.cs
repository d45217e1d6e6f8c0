using System.Globalization;
using System.Text;

namespace AdManager.Grains.Pipeline.Transform;

/// <summary>Renders offending values inside rejection details: short, single-line, quoted.</summary>
internal static class Quote
{
    /// <summary>At most this many UTF-16 units of a value appear in a detail.</summary>
    public const int MaxQuoted = 60;

    /// <summary><c>'value'</c>, cut to <see cref="MaxQuoted"/> units with an ellipsis, control characters shown as <c>\uXXXX</c>.</summary>
    public static string Value(string value) => "'" + Clip(value, MaxQuoted) + "'";

    /// <summary>
    /// The value cut to <paramref name="max"/> UTF-16 units (never inside a surrogate pair), with control
    /// characters and unpaired surrogates written as <c>\uXXXX</c>, so that what a report shows is one line
    /// of valid text (PostgreSQL and JSON take it as is). A clean, short value comes back as the same instance.
    /// </summary>
    public static string Clip(string value, int max)
    {
        var cut = value.Length > max;
        var length = cut ? max : value.Length;
        if (cut && char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }

        var span = value.AsSpan(0, length);
        if (!cut && !NeedsEscape(span))
        {
            return value;
        }

        var sb = new StringBuilder(length + 8);
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                sb.Append(c).Append(span[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return cut ? sb.Append('…').ToString() : sb.ToString();
    }

    /// <summary><c>U+0007</c>.</summary>
    public static string CodePoint(int codePoint) =>
        "U+" + codePoint.ToString(codePoint > 0xFFFF ? "X5" : "X4", CultureInfo.InvariantCulture);

    private static bool NeedsEscape(ReadOnlySpan<char> span) => HasControl(span) || Formats.FirstUnpairedSurrogate(span) >= 0;

    private static bool HasControl(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
