using System.Globalization;
using CsCheck;

namespace AdManager.Testing.Exports;

/// <summary>A generated valid value: how it is written, and what the spec stores for it.</summary>
public readonly record struct Valid<T>(Cell Cell, T Stored);

/// <summary>A generated bad value and the reason prefix it earns (<c>missing_field</c>, <c>invalid_value</c>, <c>too_long</c>).</summary>
public readonly record struct Bad(Cell Cell, string Reason);

/// <summary>
/// Values of the spec's common formats: every valid spelling the spec allows maps to its stored value by construction
/// (never by running a parser), and bad values come from lists of what each rule must refuse.
/// </summary>
public static partial class ValueGen
{
    private static readonly string[] Spaces = [" ", "\t", "\u00A0", "\u3000", "\u2003", "\n", " \r\n"];

    /// <summary>The value, sometimes wrapped in Unicode White_Space (which the spec trims first).</summary>
    public static Gen<string> Padded(string value) =>
        Gen.Frequency(
            (4, Gen.Const(value)),
            (1, Gen.Select(Gen.OneOf(Spaces), Gen.OneOf(Spaces), (a, b) => a + value + b)));

    /// <summary>Random ASCII case, as the case-insensitive formats allow.</summary>
    public static Gen<string> AnyCase(string value) =>
        Gen.Bool.Array[value.Length].Select(upper => string.Concat(value.Select((c, i) =>
            upper[i] ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c))));

    public static Gen<Valid<string>> Id(string id) => Padded(id).Select(text => new Valid<string>(text, id));

    /// <summary>Required columns: empty, blank, or absent is <c>missing_field</c>.</summary>
    public static Gen<Bad> Missing { get; } = Gen.OneOf<Cell>(Cell.Absent, "", " ", "\t\u00A0", "\u3000")
        .Select(cell => new Bad(cell, "missing_field"));

    public static Gen<Bad> BadId { get; } = Gen.OneOf(
            "a b", "é1", "x/y", "id#1", "m:1", "\u00A0x\u00A0y", new string('x', 65), "p+1", "(1)")
        .Select(text => new Bad(text, "invalid_value"));

    // ---- money and counts ----

    /// <summary>An amount in micros as one of its valid spellings: leading zeros, 0-6 fraction digits, maybe a JSON number.</summary>
    public static Gen<Valid<long>> Money(long minMicros, long maxMicros) =>
        from micros in Gen.Frequency(
            (3, Gen.Long[minMicros, Math.Min(maxMicros, Math.Max(minMicros, 100_000_000))]),
            (2, Gen.Long[minMicros, maxMicros]),
            (1, Gen.OneOf(minMicros, maxMicros)))
        from zeros in Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[1, 2]))
        from extraFraction in Gen.Int[0, 6]
        from asNumber in Gen.Bool
        from padded in Gen.Bool
        let text = SpellMoney(micros, zeros, extraFraction)
        let number = asNumber && zeros == 0
        from cellText in number || !padded ? Gen.Const(text) : Padded(text)
        select new Valid<long>(new Cell(cellText, JsonNumber: number), micros);

    private static string SpellMoney(long micros, int leadingZeros, int extraFraction)
    {
        var units = (micros / 1_000_000).ToString(CultureInfo.InvariantCulture);
        var fraction = (micros % 1_000_000).ToString("D6", CultureInfo.InvariantCulture).TrimEnd('0');
        var digits = Math.Min(6, fraction.Length + extraFraction);
        var text = new string('0', leadingZeros) + units;
        return digits == 0 ? text : text + "." + fraction.PadRight(digits, '0');
    }

    public static Gen<Bad> BadMoney { get; } = Gen.OneOf(
            "12.", ".5", "-1", "+1", "1,000", "1e3", "1000000000.000001", "1000000001", "0.1234567", "12.5.1", "1 000",
            "\u0663", "0x1F", "NaN", "12,50")
        .Select(text => new Bad(text, "invalid_value"));

    /// <summary>A spelling of exactly <paramref name="micros"/> (for cross-field checks such as sale_price above price).</summary>
    public static Gen<Cell> MoneyText(long micros) =>
        Gen.Select(Gen.Int[0, 6], Gen.Bool, (extra, number) => new Cell(SpellMoney(micros, 0, extra), JsonNumber: number));

    public const long MaxCount = 9_007_199_254_740_992;

    public static Gen<Valid<long>> Count(long max) =>
        from count in Gen.Frequency((4, Gen.Long[0, Math.Min(max, 10_000)]), (1, Gen.Long[0, max]), (1, Gen.Const(max)))
        from zeros in Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[1, 3]))
        from number in Gen.Bool
        let text = new string('0', zeros) + count.ToString(CultureInfo.InvariantCulture)
        select new Valid<long>(new Cell(text, JsonNumber: number && zeros == 0), count);

    public static Gen<Bad> BadCount { get; } = Gen.OneOf("-1", "1.0", "1e3", "9007199254740993", "12a", "+3", "0x10", "1_000", "\u0661")
        .Select(text => new Bad(text, "invalid_value"));

    // ---- codes and maps ----

    private static readonly string[] Currencies = ["USD", "EUR", "GBP", "JPY", "CHF", "XAU", "XTS", "XXX", "SLE", "ZWG", "XCG", "VED"];
    private static readonly string[] Countries = ["US", "DE", "FR", "GB", "JP", "AX", "BQ", "SS", "CW", "PS"];

    public static Gen<Valid<string>> Currency { get; } =
        Gen.OneOf(Currencies).SelectMany(code => AnyCase(code).SelectMany(Padded).Select(text => new Valid<string>(text, code)));

    public static Gen<Bad> BadCurrency { get; } = Gen.OneOf("XYZ", "US", "HRK", "EURO", "U5D", "€", "usd1", "DEM", "VEF")
        .Select(text => new Bad(text, "invalid_value"));

    public static Gen<Valid<string>> Country { get; } =
        Gen.OneOf(Countries).SelectMany(code => AnyCase(code).SelectMany(Padded).Select(text => new Valid<string>(text, code)));

    public static Gen<Bad> BadCountry { get; } = Gen.OneOf("UK", "XK", "EU", "USA", "D", "1A", "ZZ", "YU")
        .Select(text => new Bad(text, "invalid_value"));

    private static readonly (string Text, string Stored)[] Statuses =
    [
        ("active", "active"), ("enabled", "active"), ("running", "active"), ("1", "active"),
        ("paused", "paused"), ("on_hold", "paused"), ("0", "paused"),
        ("archived", "archived"), ("ended", "archived"), ("removed", "archived"), ("deleted", "archived"),
        ("draft", "draft"), ("pending", "draft"),
    ];

    public static Gen<Valid<string>> Status { get; } =
        from status in Gen.OneOf(Statuses)
        from text in AnyCase(status.Text)
        from number in Gen.Bool
        select new Valid<string>(new Cell(text, JsonNumber: number && text is "0" or "1"), status.Stored);

    public static Gen<Bad> BadStatus { get; } = Gen.OneOf("live", "on hold", "activ", "2", "01", "stopped", "active!")
        .Select(text => new Bad(text, "invalid_value"));

    private static readonly string[] Availabilities = ["in_stock", "out_of_stock", "preorder", "backorder"];

    /// <summary>Any case, and each <c>_</c> maybe written as a space (<c>Out of Stock</c>).</summary>
    public static Gen<Valid<string>> Availability { get; } =
        from value in Gen.OneOf(Availabilities)
        from spaces in Gen.Bool.Array[value.Length]
        from text in AnyCase(string.Concat(value.Select((c, i) => c == '_' && spaces[i] ? ' ' : c)))
        select new Valid<string>(text, value);

    public static Gen<Bad> BadAvailability { get; } = Gen.OneOf("in-stock", "instock", "in  stock", "available", "in_stock_", "sold out")
        .Select(text => new Bad(text, "invalid_value"));

    /// <summary>8, 12, 13 or 14 digits ending in their GS1 check digit; stored as given.</summary>
    public static Gen<Valid<string>> Gtin { get; } =
        from length in Gen.OneOf(8, 12, 13, 14)
        from digits in Gen.Int[0, 9].Array[length - 1]
        let body = string.Concat(digits)
        let gtin = body + CheckDigit(body)
        select new Valid<string>(gtin, gtin);

    public static Gen<Bad> BadGtin { get; } =
        Gen.Frequency(
            (2, Gtin.Select(v => v.Stored[..^1] + (char)('0' + ((v.Stored[^1] - '0' + 1) % 10)))),
            (1, Gen.OneOf("123456789", "40063813339X", "4006381333931 1", "1234567")))
        .Select(text => new Bad(text, "invalid_value"));

    /// <summary>GS1: weights 3, 1, 3, ... from the digit next to the check digit.</summary>
    public static int CheckDigit(string body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var weight = (body.Length - i) % 2 == 1 ? 3 : 1;
            sum += (body[i] - '0') * weight;
        }

        return (10 - (sum % 10)) % 10;
    }

    private static readonly string[] Hosts =
        ["shop.example", "img.example.com", "localhost", "127.0.0.1", "[::1]", "xn--caf-dma.example", "café.example", "user@host.example"];

    /// <summary>An absolute http(s) URL; stored as given (trimmed).</summary>
    public static Gen<Valid<string>> Url { get; } =
        from scheme in Gen.OneOf("http", "https").SelectMany(AnyCase)
        from host in Gen.OneOf(Hosts)
        from port in Gen.Frequency((3, Gen.Const("")), (1, Gen.Int[1, 65535].Select(p => ":" + p.ToString(CultureInfo.InvariantCulture))))
        from path in Gen.OneOf("", "/", "/p/1", "/p?id=1&x=%20", "/a#frag", "?q")
        let url = $"{scheme}://{host}{port}{path}"
        from text in Padded(url)
        select new Valid<string>(text, url);

    public static Gen<Bad> BadUrl { get; } = Gen.OneOf(
            "ftp://x.example", "http://", "https://exa mple.com", "http://host:99999/", "shop.example/p", "http//x.example",
            "http://host:/", "http://[::1", "https://x.example/\u0007", "mailto:a@b.example", "https:/x.example")
        .Select(text => new Bad(text, "invalid_value"));

    /// <summary>A JSON object; empty means <c>{}</c>. NDJSON may carry it as a raw object.</summary>
    public static Gen<Valid<string>> Targeting { get; } = Gen.Frequency(
        (2, Gen.OneOf<Cell>(Cell.Absent, "", "  ").Select(cell => new Valid<string>(cell, "{}"))),
        (3, from json in Gen.OneOf("{}", "{\"geo\":\"US\"}", "{\"age\":[18,65],\"geo\":{\"in\":[\"US\",\"CA\"]}}", "{ \"a\" : null , \"b\":true }")
            from raw in Gen.Bool
            select new Valid<string>(new Cell(json, JsonRaw: raw), json)));

    public static Gen<Bad> BadTargeting { get; } = Gen.OneOf("[]", "{", "\"x\"", "{\"a\":}", "1", "{\"a\":1}}", "{'a':1}", "null x")
        .Select(text => new Bad(text, "invalid_value"));
}
