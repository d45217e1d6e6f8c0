using System.Text;

namespace AdManager.Grains.Pipeline.Transform;

/// <summary>What a text(n) check found wrong.</summary>
public enum TextFault
{
    None = 0,

    /// <summary>More than n code points after NFC: <c>too_long:&lt;column&gt;</c>.</summary>
    TooLong = 1,

    /// <summary>A control character (Cc other than tab, CR, LF) or an unpaired surrogate: <c>invalid_value:&lt;column&gt;</c>.</summary>
    Invalid = 2,
}

public static partial class Formats
{
    /// <summary>
    /// text(n): NFC-normalizes, then checks the length in Unicode code points (not UTF-16 units) against
    /// <paramref name="maxCodePoints"/>, then rejects control characters (category Cc) other than tab, CR
    /// and LF. Format characters such as U+200B pass. <paramref name="normalized"/> is the NFC text to store.
    /// </summary>
    /// <remarks>
    /// An unpaired surrogate (possible only through a JSON <c>\ud800</c> escape) is not Unicode text, cannot be
    /// normalized and cannot be stored as UTF-8: it is <see cref="TextFault.Invalid"/>, after the length check
    /// (counting it as one code point) so that length still comes first.
    /// </remarks>
    public static bool TryText(string value, int maxCodePoints, out string normalized, out TextFault fault, out string detail)
    {
        var unpaired = FirstUnpairedSurrogate(value);
        normalized = unpaired < 0 ? Nfc(value) : value;
        var codePoints = CountCodePoints(normalized);
        if (codePoints > maxCodePoints)
        {
            fault = TextFault.TooLong;
            detail = $"{codePoints} code points, at most {maxCodePoints}";
            return false;
        }

        if (unpaired >= 0)
        {
            fault = TextFault.Invalid;
            detail = $"unpaired surrogate {Quote.CodePoint(value[unpaired])} at code point {CountCodePoints(value.AsSpan(0, unpaired)) + 1}";
            return false;
        }

        var position = 0;
        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            if (!char.IsLowSurrogate(c))
            {
                position++;
            }

            if (char.IsControl(c) && c is not ('\t' or '\r' or '\n'))
            {
                fault = TextFault.Invalid;
                detail = $"control character {Quote.CodePoint(c)} at code point {position}";
                return false;
            }
        }

        fault = TextFault.None;
        detail = "";
        return true;
    }

    /// <summary>Unicode code points in a string without unpaired surrogates (a pair counts once).</summary>
    public static int CountCodePoints(ReadOnlySpan<char> s)
    {
        var count = s.Length;
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                count--;
                i++;
            }
        }

        return count;
    }

    /// <summary>Index of the first surrogate that is not part of a pair, or -1.</summary>
    internal static int FirstUnpairedSurrogate(ReadOnlySpan<char> s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
                continue;
            }

            return i;
        }

        return -1;
    }

    /// <summary>
    /// True when every character lies below U+0300 (Basic Latin to Spacing Modifier Letters), in CJK Unified Ideographs
    /// (Extension A included) or in Hangul Syllables: ranges whose characters are all NFC_Quick_Check Yes with combining
    /// class 0 (checked against ICU by the unit tests).
    /// </summary>
    internal static bool IsStableUnderNfc(ReadOnlySpan<char> value)
    {
        var i = value.IndexOfAnyInRange('\u0300', '\uFFFF');
        if (i < 0) return true;
        foreach (var c in value[i..])
        {
            if (c < '\u0300' || c is >= '\u3400' and <= '\u4DBF' or >= '\u4E00' and <= '\u9FFF' or >= '\uAC00' and <= '\uD7A3') continue;
            return false;
        }
        return true;
    }

    /// <summary>NFC of a string without unpaired surrogates.</summary>
    private static string Nfc(string value)
    {
        // Text made only of characters that are their own NFC (NFC_Quick_Check Yes) and combining class 0 is NFC:
        // nothing to reorder, and nothing composes without a following NFC_Quick_Check Maybe character, of which
        // there are none below U+0300 or in the CJK ideograph and Hangul syllable blocks. That covers Latin text with
        // accents and most CJK text, and skips a call into ICU per string (the reader's largest cost otherwise).
        if (IsStableUnderNfc(value))
        {
            return value;
        }

        // .NET (ICU) refuses to normalize strings holding the noncharacter U+FFFE, although it is valid
        // Unicode text. U+FFFE has combining class 0, no decomposition and never composes, so it is a
        // normalization boundary: normalizing the pieces between occurrences and joining them is exact NFC.
        if (!value.Contains('\uFFFE'))
        {
            // Most text is NFC already; checking is several times cheaper than normalizing to compare.
            return value.IsNormalized(NormalizationForm.FormC) ? value : value.Normalize(NormalizationForm.FormC);
        }

        var pieces = value.Split('\uFFFE');
        for (var i = 0; i < pieces.Length; i++)
        {
            pieces[i] = pieces[i].Normalize(NormalizationForm.FormC);
        }

        return string.Join('\uFFFE', pieces);
    }
}
