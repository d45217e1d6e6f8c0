using System.Globalization;
using System.Text;

namespace AdManager.Benchmarks.Export;

/// <summary>Realistic field values: sizes and shapes of what merchants' legacy systems export.</summary>
internal static class Values
{
    private static readonly string[] Words =
    [
        "summer", "sale", "spring", "winter", "brand", "awareness", "retargeting", "search", "shopping", "display",
        "video", "holiday", "launch", "premium", "outdoor", "kitchen", "running", "shoes", "coffee", "organic",
        "cotton", "leather", "wireless", "headphones", "garden", "tools", "kids", "toys", "vintage", "classic",
        "eco", "travel", "bundle", "deluxe", "compact", "smart", "home", "office", "sport", "fitness",
        "café", "crème", "naïve", "Größe", "jalapeño", "Zürich", "señal", "façade", "ü-Bahn", "日本",
        "black", "white", "navy", "red", "green", "size", "pack", "edition", "2024", "new",
    ];

    private static readonly string[] Countries = ["US", "DE", "FR", "GB", "CA", "ES", "IT", "NL", "JP", "BR", "AU", "SE"];
    private static readonly string[] Interests = ["sports", "travel", "cooking", "tech", "fashion", "music", "gaming", "outdoors", "pets", "finance"];
    private static readonly string[] Devices = ["mobile", "desktop", "tablet", "ctv"];

    public static readonly string[] Currencies = ["USD", "EUR", "GBP", "usd", "eur", "JPY", "CAD", "AUD", "CHF", "SEK"];
    public static readonly string[] CountryCodes = ["US", "de", "FR", "GB", "ca", "ES", "IT", "NL", "JP", "BR"];

    private static readonly DateTime Epoch = new(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Words up to a length in [min, max] (in UTF-16 units; every word is in the BMP and precomposed).</summary>
    public static string Text(ref Rng rng, int min, int max)
    {
        var target = rng.Int(min, max + 1);
        if (target == 0) return "";
        var sb = new StringBuilder(target + 16);
        while (sb.Length < target)
        {
            if (sb.Length > 0) sb.Append(rng.PerMille(60) ? ", " : " ");
            var word = rng.Pick(Words);
            sb.Append(sb.Length == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
        }
        sb.Length = target;
        // Never end on a separator, and never fall below the minimum for having trimmed one.
        while (sb.Length > 0 && sb[^1] is ' ' or ',') sb.Length--;
        while (sb.Length < min) sb.Append('x');
        return sb.ToString();
    }

    /// <summary>Descriptions: sometimes empty, sometimes with quotes, rarely with a line break (CSV quoting).</summary>
    public static string Description(ref Rng rng)
    {
        if (rng.PerMille(100)) return "";
        var text = Text(ref rng, 1, 500);
        if (rng.PerMille(50)) text = "\"Best seller\" " + text;
        if (rng.PerMille(10) && text.Length > 40) text = text[..20] + "\n" + text[20..];
        return text.Length > 500 ? text[..500].TrimEnd() : text;
    }

    public static string Money(ref Rng rng, long minUnits, long maxUnits) =>
        rng.Long(minUnits, maxUnits).ToString(CultureInfo.InvariantCulture) + "." + rng.Int(0, 100).ToString("00", CultureInfo.InvariantCulture);

    public static DateTime Instant(ref Rng rng) => Epoch.AddSeconds(rng.Long(0, 2L * 365 * 86_400));

    /// <summary>The formats of the spec: mostly ISO with Z, some with an offset, some naive UTC.</summary>
    public static string Timestamp(ref Rng rng, DateTime utc) => rng.Int(0, 10) switch
    {
        < 7 => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        < 9 => utc.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:ss'+02:00'", CultureInfo.InvariantCulture),
        _ => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
    };

    public static DateOnly Day(ref Rng rng) => DateOnly.FromDateTime(Epoch).AddDays(rng.Int(0, 730));

    public static string Date(ref Rng rng, DateOnly day) =>
        day.ToString(rng.PerMille(850) ? "yyyy-MM-dd" : "yyyyMMdd", CultureInfo.InvariantCulture);

    public static string Targeting(ref Rng rng)
    {
        if (rng.PerMille(200)) return "";
        var sb = new StringBuilder("{\"geo\":[");
        var geos = rng.Int(1, 6);
        for (var i = 0; i < geos; i++) sb.Append(i == 0 ? "" : ",").Append('"').Append(rng.Pick(Countries)).Append('"');
        sb.Append("],\"age\":{\"min\":").Append(rng.Int(18, 35)).Append(",\"max\":").Append(rng.Int(35, 66)).Append('}');
        if (rng.PerMille(700))
        {
            sb.Append(",\"interests\":[");
            var n = rng.Int(1, 8);
            for (var i = 0; i < n; i++) sb.Append(i == 0 ? "" : ",").Append('"').Append(rng.Pick(Interests)).Append('"');
            sb.Append(']');
        }
        if (rng.PerMille(500)) sb.Append(",\"devices\":[\"").Append(rng.Pick(Devices)).Append("\"]");
        if (rng.PerMille(300)) sb.Append(",\"bidAdjustment\":").Append((rng.Int(50, 200) / 100.0).ToString("0.00", CultureInfo.InvariantCulture));
        return sb.Append('}').ToString();
    }

    public static string Slug(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, 40));
        foreach (var c in text)
        {
            if (sb.Length >= 40) break;
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        return sb.ToString().Trim('-');
    }

    /// <summary>A GTIN-13 with a valid GS1 check digit; <paramref name="valid"/> false gives a wrong one.</summary>
    public static string Gtin13(ref Rng rng, bool valid = true)
    {
        Span<char> digits = stackalloc char[13];
        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            var d = rng.Int(0, 10);
            digits[i] = (char)('0' + d);
            sum += d * (i % 2 == 0 ? 1 : 3);
        }
        var check = (10 - sum % 10) % 10;
        digits[12] = (char)('0' + (valid ? check : (check + 1) % 10));
        return new string(digits);
    }
}
