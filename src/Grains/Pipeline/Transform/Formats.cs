using System.Globalization;

namespace AdManager.Grains.Pipeline.Transform;

/// <summary>
/// The spec's common formats, one check each. Every method takes a value that is already trimmed
/// and non-empty (emptiness is the caller's business: <c>missing_field</c> or a default), returns
/// false with a short <c>detail</c> sentence when the value does not conform, and never throws.
/// On success <c>detail</c> is empty. Parsing is hand-written over spans: this runs for every field
/// of millions of rows.
/// </summary>
public static partial class Formats
{
    public const int MaxIdLength = 64;

    /// <summary>2^53, the largest count (the largest integer a double, hence a JSON number, holds exactly).</summary>
    public const long MaxCount = 9_007_199_254_740_992;

    /// <summary>1,000,000,000 in micros; the bound is inclusive.</summary>
    public const long MaxMoneyMicros = 1_000_000_000L * MicrosPerUnit;

    public const long MicrosPerUnit = 1_000_000;

    /// <summary>id: 1-64 chars of <c>[A-Za-z0-9_.-]</c>.</summary>
    public static bool TryId(string value, out string detail)
    {
        if (value.Length is 0 or > MaxIdLength)
        {
            detail = $"{value.Length} characters, an id has 1 to {MaxIdLength}";
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                detail = $"{Quote.Value(value)} has {Quote.CodePoint(c)} at position {i + 1}; an id allows only A-Z a-z 0-9 _ . -";
                return false;
            }
        }

        detail = "";
        return true;
    }

    /// <summary>date: <c>yyyy-MM-dd</c> or <c>yyyyMMdd</c>, a real date of the proleptic Gregorian calendar, years 0001-9999.</summary>
    public static bool TryDate(string value, out DateOnly date, out string detail)
    {
        var s = value.AsSpan();
        int year, month, day;
        var shaped = s.Length switch
        {
            10 => Digits(s[..4], out year) & Digits(s.Slice(5, 2), out month) & Digits(s.Slice(8, 2), out day) & s[4] == '-' & s[7] == '-',
            8 => Digits(s[..4], out year) & Digits(s.Slice(4, 2), out month) & Digits(s.Slice(6, 2), out day),
            _ => Nothing(out year, out month, out day),
        };
        if (!shaped)
        {
            date = default;
            detail = $"{Quote.Value(value)} is not a date in the form yyyy-MM-dd or yyyyMMdd";
            return false;
        }

        if (!IsRealDate(year, month, day))
        {
            date = default;
            detail = $"{Quote.Value(value)} is not a real calendar date";
            return false;
        }

        date = new DateOnly(year, month, day);
        detail = "";
        return true;
    }

    /// <summary>money: <c>^\d+(\.\d{1,6})?$</c> (ASCII digits, leading zeros allowed), at most 1,000,000,000, as micros.</summary>
    public static bool TryMoney(string value, out long micros, out string detail)
    {
        micros = 0;
        var s = value.AsSpan();
        var dot = s.IndexOf('.');
        var whole = dot < 0 ? s : s[..dot];
        var fraction = dot < 0 ? [] : s[(dot + 1)..];
        if (whole.Length == 0 || !AllDigits(whole) || (dot >= 0 && (fraction.Length is 0 or > 6 || !AllDigits(fraction))))
        {
            detail = $"{Quote.Value(value)} is not an amount: digits with an optional '.' and 1 to 6 fraction digits, no sign or separators";
            return false;
        }

        whole = whole.TrimStart('0');
        if (whole.Length > 10)
        {
            detail = $"{Quote.Value(value)} is above 1,000,000,000";
            return false;
        }

        long units = 0;
        foreach (var c in whole)
        {
            units = (units * 10) + (c - '0');
        }

        long fractionMicros = 0;
        for (var i = 0; i < 6; i++)
        {
            fractionMicros = (fractionMicros * 10) + (i < fraction.Length ? fraction[i] - '0' : 0);
        }

        var total = (units * MicrosPerUnit) + fractionMicros;
        if (total > MaxMoneyMicros)
        {
            detail = $"{Quote.Value(value)} is above 1,000,000,000";
            return false;
        }

        micros = total;
        detail = "";
        return true;
    }

    /// <summary>count: ASCII digits only (leading zeros allowed), at most 2^53.</summary>
    public static bool TryCount(string value, out long count, out string detail)
    {
        count = 0;
        var s = value.AsSpan();
        if (s.Length == 0 || !AllDigits(s))
        {
            detail = $"{Quote.Value(value)} is not a non-negative integer (digits only)";
            return false;
        }

        s = s.TrimStart('0');
        long n = 0;
        if (s.Length <= 16)
        {
            foreach (var c in s)
            {
                n = (n * 10) + (c - '0');
            }
        }

        if (s.Length > 16 || n > MaxCount)
        {
            detail = $"{Quote.Value(value)} is above 2^53 ({MaxCount.ToString(CultureInfo.InvariantCulture)})";
            return false;
        }

        count = n;
        detail = "";
        return true;
    }

    /// <summary>Formats micros back as a plain decimal for details: <c>12500000</c> -> <c>12.5</c>.</summary>
    public static string MoneyText(long micros)
    {
        var units = (micros / MicrosPerUnit).ToString(CultureInfo.InvariantCulture);
        var fraction = micros % MicrosPerUnit;
        return fraction == 0
            ? units
            : units + "." + fraction.ToString("D6", CultureInfo.InvariantCulture).TrimEnd('0');
    }

    internal static bool IsRealDate(int year, int month, int day) =>
        year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    internal static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A short run of ASCII digits as an int (callers pass at most 9 chars).</summary>
    internal static bool Digits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return s.Length > 0;
    }

    private static bool Nothing(out int a, out int b, out int c)
    {
        a = b = c = 0;
        return false;
    }
}
