using System.Globalization;
using CsCheck;

namespace AdManager.Testing.Exports;

public static partial class ValueGen
{
    // Pieces of text: the NFC form, and a spelling that normalizes to it. None starts with a combining mark, so
    // joined pieces stay NFC and the stored text is known without running a normalizer.
    private static readonly (string Nfc, string Written)[] Pieces =
    [
        ("a", "a"), ("Z", "Z"), ("7", "7"), ("-", "-"), (",", ","), ("\"", "\""), ("'", "'"), ("ß", "ß"),
        ("\u00E9", "e\u0301"), ("\u00C5", "A\u030A"), ("\u00F1", "n\u0303"), ("\u01D6", "u\u0308\u0304"),
        ("\u4E2D", "\u4E2D"), ("\U0001F600", "\U0001F600"), ("\u200B", "\u200B"),
        (" ", " "), ("\t", "\t"), ("\n", "\n"), ("\r\n", "\r\n"), ("\u00A0", "\u00A0"),
    ];

    private static readonly int[] AnyPiece = [.. Enumerable.Range(0, Pieces.Length)];
    private static readonly int[] EdgePiece = [.. AnyPiece.Where(i => !string.IsNullOrWhiteSpace(Pieces[i].Nfc))];
    private static readonly int[] SinglePiece = [.. AnyPiece.Where(i => CodePoints(Pieces[i].Nfc) == 1)];
    private static readonly int[] SingleEdgePiece = [.. EdgePiece.Intersect(SinglePiece)];

    private static readonly string[] Controls = ["\u0000", "\u0001", "\u0007", "\u000B", "\u000C", "\u001B", "\u007F", "\u0085", "\u009F"];

    /// <summary>text(n): NFC, at most <paramref name="max"/> code points after normalization, no control characters but tab, CR, LF.</summary>
    public static Gen<Valid<string>> Text(int max) =>
        Gen.Frequency(
            (15, Gen.Int[1, 12].SelectMany(n => TextOf(n, exact: false))),
            (1, TextOf(max, exact: true)))
        .SelectMany(t => Padded(t.Written).Select(text => new Valid<string>(text, t.Nfc)));

    /// <summary>More than <paramref name="max"/> code points after NFC (even if shorter in UTF-16 or longer before).</summary>
    public static Gen<Bad> TooLong(int max) => TextOf(max + 1, exact: true).Select(t => new Bad(t.Written, "too_long"));

    /// <summary>A control character that is not tab, CR or LF, inside otherwise valid text.</summary>
    public static Gen<Bad> ControlInText { get; } =
        from text in Gen.Int[2, 8].SelectMany(n => TextOf(n, exact: false))
        from control in Gen.OneOf(Controls)
        from at in Gen.Int[1, 1000]
        let cut = CutPoint(text.Written, at)
        select new Bad(text.Written[..cut] + control + text.Written[cut..], "invalid_value");

    /// <summary>
    /// <paramref name="count"/> pieces; the first and last are not white space (so trimming leaves the text alone).
    /// <paramref name="exact"/>: single-code-point pieces only, so that the text has exactly <paramref name="count"/> code points.
    /// </summary>
    private static Gen<(string Nfc, string Written)> TextOf(int count, bool exact) =>
        from picks in Gen.Int[0, 1_000_000].Array[count]
        from decompose in Gen.Bool.Array[count]
        select Join(picks, decompose, exact);

    private static (string Nfc, string Written) Join(int[] picks, bool[] decompose, bool exact)
    {
        var nfc = new System.Text.StringBuilder();
        var written = new System.Text.StringBuilder();
        for (var i = 0; i < picks.Length; i++)
        {
            var edge = i == 0 || i == picks.Length - 1;
            var pool = (edge, exact) switch
            {
                (true, true) => SingleEdgePiece,
                (true, false) => EdgePiece,
                (false, true) => SinglePiece,
                _ => AnyPiece,
            };
            var piece = Pieces[pool[picks[i] % pool.Length]];
            nfc.Append(piece.Nfc);
            written.Append(decompose[i] ? piece.Written : piece.Nfc);
        }

        return (nfc.ToString(), written.ToString());
    }

    /// <summary>A position strictly inside the text that does not split a surrogate pair or a CRLF (text of two pieces or more has one).</summary>
    private static int CutPoint(string text, int seed)
    {
        var cuts = Enumerable.Range(1, text.Length - 1)
            .Where(p => !char.IsLowSurrogate(text[p]) && !(text[p] == '\n' && text[p - 1] == '\r'))
            .ToArray();
        return cuts[seed % cuts.Length];
    }

    public static int CodePoints(string text) => text.EnumerateRunes().Count();

    // ---- dates and instants ----

    public static Gen<Valid<DateOnly>> Date(DateOnly min, DateOnly max) =>
        from day in Gen.Int[min.DayNumber, max.DayNumber]
        from compact in Gen.Bool
        let date = DateOnly.FromDayNumber(day)
        from text in Padded(date.ToString(compact ? "yyyyMMdd" : "yyyy-MM-dd", CultureInfo.InvariantCulture))
        select new Valid<DateOnly>(text, date);

    public static Gen<Bad> BadDate { get; } = Gen.OneOf(
            "2023-02-29", "2024-13-01", "2024-00-10", "2024/03/01", "2024-3-1", "24-03-01", "20240230", "2024-03-01T00:00:00Z",
            "0000-01-01", "2024-03-1", "2024 03 01")
        .Select(text => new Bad(text, "invalid_value"));

    private static readonly DateTimeOffset[] Instants =
    [
        new(2024, 3, 1, 10, 0, 0, TimeSpan.Zero),
        new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2024, 3, 2, 0, 0, 0, TimeSpan.Zero).AddTicks(5_000_000),
        new DateTimeOffset(2023, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(1_234_567),
    ];

    /// <summary>UTC instants: a few shared ones (so duplicates tie), or any instant with 0-7 fraction digits.</summary>
    public static Gen<DateTimeOffset> Instant { get; } = Gen.Frequency(
        (2, Gen.OneOf(Instants)),
        (3, from seconds in Gen.Long[946_684_800, 1_924_992_000]
            from fractionDigits in Gen.Int[0, 7]
            from fraction in Gen.Long[0, 9_999_999]
            let ticks = fraction - (fraction % (long)Math.Pow(10, 7 - fractionDigits))
            select DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(ticks)));

    private static readonly int[] OffsetMinutes = [0, 120, -300, -330, 345, 840, -720, 60];

    /// <summary>One of the spellings the spec allows for <paramref name="instant"/>: Z, an offset, or the space form (UTC).</summary>
    public static Gen<Cell> Timestamp(DateTimeOffset instant) =>
        from form in Gen.Int[0, 2]
        from t in Gen.OneOf("T", "t")
        from z in Gen.OneOf("Z", "z")
        from offset in Gen.OneOf(OffsetMinutes)
        from minus in Gen.Bool
        from extraDigits in Gen.Int[0, 2]
        select new Cell(SpellInstant(instant, instant.Ticks % TimeSpan.TicksPerSecond == 0 ? form : form % 2, t, z, offset, minus, extraDigits));

    private static string SpellInstant(DateTimeOffset instant, int form, string t, string z, int offset, bool minus, int extraDigits)
    {
        var utc = instant.UtcDateTime;
        var fraction = (utc.Ticks % TimeSpan.TicksPerSecond).ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
        var digits = fraction.Length == 0 ? (extraDigits == 0 ? 0 : extraDigits) : fraction.Length + extraDigits;
        var fractionText = digits == 0 ? "" : "." + fraction.PadRight(digits, '0');
        if (form == 2)
        {
            return utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        }

        if (form == 0)
        {
            return utc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + t + utc.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + fractionText + z;
        }

        var local = utc.AddMinutes(offset);
        var sign = offset < 0 || (offset == 0 && minus) ? "-" : "+";
        var abs = Math.Abs(offset);
        return local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + t + local.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + fractionText
               + $"{sign}{abs / 60:D2}:{abs % 60:D2}";
    }

    public static Gen<Bad> BadTimestamp { get; } = Gen.OneOf(
            "2024-03-01T10:00:00+0200", "2024-03-01T10:00Z", "2024-03-01T24:00:00Z", "2024-03-01T10:00:60Z", "2024-03-01T10:00:00",
            "2024-03-01 10:00:00Z", "2024-03-01 10:00:00.5", "2024-03-01T10:00:00.Z", "20240301T100000Z", "2024-02-30T10:00:00Z",
            "2024-03-01T10:00:00+02", "2024-03-01")
        .Select(text => new Bad(text, "invalid_value"));
}
