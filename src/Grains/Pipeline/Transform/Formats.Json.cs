using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AdManager.Grains.Pipeline.Transform;

public static partial class Formats
{
    // PostgreSQL 15 numeric limits (measured): at most 16383 digits after the decimal point, a first significant
    // digit at most 10^131071, and an exponent below INT_MAX/2 even for zero; anything else is
    // "value overflows numeric format" when the jsonb is written.
    private const int PgMaxDisplayScale = 16383;
    private const int PgMaxDecimalWeight = 131071;
    private const long PgMaxExponent = int.MaxValue / 2;

    /// <summary>
    /// Deepest nesting of targeting_json accepted. The spec sets no limit; System.Text.Json's default (64) would reject
    /// valid objects PostgreSQL stores, so the bound is PostgreSQL's own with a wide margin: its parser recurses per level
    /// and, at the default max_stack_depth (2MB), took 10,000 levels and refused 20,000 (measured on 15).
    /// </summary>
    internal const int MaxJsonDepth = 1000;

    private static readonly JsonReaderOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = MaxJsonDepth };

    /// <summary>
    /// targeting_json: one JSON object (<c>{...}</c>) as System.Text.Json reads it by default (no comments, no
    /// trailing commas, nesting depth at most <see cref="MaxJsonDepth"/>, duplicate keys allowed), that PostgreSQL can also store as jsonb.
    /// </summary>
    /// <remarks>
    /// jsonb refuses what JSON allows in three places, and a record that would fail the load is rejected here
    /// instead, as <c>invalid_value</c>: a <c>\u0000</c> escape; an unpaired surrogate escape (<c>\ud800</c> alone,
    /// <c>\udc00</c> first); a number outside PostgreSQL's numeric range (<c>1e131072</c>, <c>1e-16384</c>, more
    /// than 16383 fraction digits). The text itself is stored as given, not re-serialized.
    /// </remarks>
    public static bool TryJsonObject(string value, out string detail)
    {
        if (FirstUnpairedSurrogate(value) is var bad and >= 0)
        {
            detail = $"unpaired surrogate {Quote.CodePoint(value[bad])} is not JSON text";
            return false;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        byte[]? rented = null;
        Span<byte> buffer = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.UTF8.GetBytes(value, buffer);
            return CheckJsonObject(buffer[..written], out detail);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool CheckJsonObject(ReadOnlySpan<byte> utf8, out string detail)
    {
        var reader = new Utf8JsonReader(utf8, JsonOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                detail = $"{Describe(reader.TokenType)}, not a JSON object";
                return false;
            }

            while (reader.Read())
            {
                var problem = reader.TokenType switch
                {
                    JsonTokenType.PropertyName or JsonTokenType.String when reader.ValueIsEscaped => JsonbEscapeProblem(reader.ValueSpan),
                    JsonTokenType.Number => JsonbNumberProblem(reader.ValueSpan),
                    _ => null,
                };
                if (problem is not null)
                {
                    detail = problem;
                    return false;
                }
            }
        }
        catch (JsonException e)
        {
            detail = "not valid JSON: " + Quote.Clip(e.Message, 120);
            return false;
        }

        detail = "";
        return true;
    }

    /// <summary>Raw string bytes as they appear between the quotes, escapes and all.</summary>
    private static string? JsonbEscapeProblem(ReadOnlySpan<byte> raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\')
            {
                continue;
            }

            if (raw[i + 1] != 'u')
            {
                i++;
                continue;
            }

            var unit = Hex4(raw.Slice(i + 2, 4));
            i += 5;
            if (unit == 0)
            {
                return "\\u0000 cannot be stored in PostgreSQL jsonb";
            }

            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return $"unpaired surrogate escape \\u{unit:x4}";
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                var low = i + 6 < raw.Length && raw[i + 1] == '\\' && raw[i + 2] == 'u' ? Hex4(raw.Slice(i + 3, 4)) : -1;
                if (low is < 0xDC00 or > 0xDFFF)
                {
                    return $"unpaired surrogate escape \\u{unit:x4}";
                }

                i += 6;
            }
        }

        return null;
    }

    /// <summary>A JSON number (grammar already checked by the reader) that PostgreSQL numeric cannot hold, or null.</summary>
    private static string? JsonbNumberProblem(ReadOnlySpan<byte> number)
    {
        var s = number[0] == '-' ? number[1..] : number;
        var e = s.IndexOfAny((byte)'e', (byte)'E');
        var mantissa = e < 0 ? s : s[..e];
        long exponent = 0;
        if (e >= 0)
        {
            var exp = s[(e + 1)..];
            var negative = exp[0] == '-';
            exp = exp[0] is (byte)'-' or (byte)'+' ? exp[1..] : exp;
            exp = exp.TrimStart((byte)'0');
            if (exp.Length > 10)
            {
                return "number outside PostgreSQL's numeric range";
            }

            foreach (var b in exp)
            {
                exponent = (exponent * 10) + (b - '0');
            }

            exponent = negative ? -exponent : exponent;
        }

        var dot = mantissa.IndexOf((byte)'.');
        var whole = dot < 0 ? mantissa : mantissa[..dot];
        var fraction = dot < 0 ? [] : mantissa[(dot + 1)..];
        var significantWhole = whole.TrimStart((byte)'0');
        var firstFraction = fraction.IndexOfAnyExcept((byte)'0');
        long? weight = significantWhole.Length > 0 ? significantWhole.Length - 1 + exponent
            : firstFraction >= 0 ? -(firstFraction + 1) + exponent
            : null;
        var scale = Math.Max(0, fraction.Length - exponent);
        return Math.Abs(exponent) >= PgMaxExponent || scale > PgMaxDisplayScale || weight > PgMaxDecimalWeight
            ? "number outside PostgreSQL's numeric range"
            : null;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "a JSON array",
        JsonTokenType.String => "a JSON string",
        JsonTokenType.Number => "a JSON number",
        JsonTokenType.True or JsonTokenType.False => "a JSON boolean",
        JsonTokenType.Null => "JSON null",
        _ => "no JSON value",
    };

    private static int Hex4(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        foreach (var b in hex)
        {
            value = (value << 4) | (int)HexDigit(b);
        }

        return value;
    }

    private static uint HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => (uint)(b - '0'),
        >= (byte)'a' and <= (byte)'f' => (uint)(b - 'a' + 10),
        _ => (uint)(b - 'A' + 10),
    };
}
