using System.Collections.Frozen;
using System.Text;

namespace AdManager.Grains.Pipeline.Transform;

public static partial class Formats
{
    private static readonly FrozenDictionary<string, string> StatusMap = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["active"] = "active",
        ["enabled"] = "active",
        ["running"] = "active",
        ["1"] = "active",
        ["paused"] = "paused",
        ["on_hold"] = "paused",
        ["0"] = "paused",
        ["archived"] = "archived",
        ["ended"] = "archived",
        ["removed"] = "archived",
        ["deleted"] = "archived",
        ["draft"] = "draft",
        ["pending"] = "draft",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly string[] Availabilities = ["in_stock", "out_of_stock", "preorder", "backorder"];

    /// <summary>currency: a current ISO 4217 alphabetic code (see <see cref="Iso4217"/>), ASCII case-insensitive, returned upper-case.</summary>
    public static bool TryCurrency(string value, out string code, out string detail)
    {
        if (Iso4217.TryGet(value, out code))
        {
            detail = "";
            return true;
        }

        detail = $"{Quote.Value(value)} is not an ISO 4217 currency code";
        return false;
    }

    /// <summary>country: an officially assigned ISO 3166-1 alpha-2 code (see <see cref="Iso3166"/>), ASCII case-insensitive, returned upper-case.</summary>
    public static bool TryCountry(string value, out string code, out string detail)
    {
        if (Iso3166.TryGet(value, out code))
        {
            detail = "";
            return true;
        }

        detail = $"{Quote.Value(value)} is not an ISO 3166-1 alpha-2 country code";
        return false;
    }

    /// <summary>
    /// The campaign status map, case-insensitive over ASCII only (so <c>ACTIVE</c> matches but a dotless
    /// <c>ı</c> does not): active|enabled|running|1 -> active; paused|on_hold|0 -> paused;
    /// archived|ended|removed|deleted -> archived; draft|pending -> draft.
    /// </summary>
    public static bool TryStatus(string value, out string status, out string detail)
    {
        if (Ascii.IsValid(value) && StatusMap.TryGetValue(value, out var mapped))
        {
            status = mapped;
            detail = "";
            return true;
        }

        status = "";
        detail = $"{Quote.Value(value)} is not a known status";
        return false;
    }

    /// <summary>
    /// availability: in_stock, out_of_stock, preorder or backorder, ASCII case-insensitive, where each single
    /// space may stand for one <c>_</c> (<c>In Stock</c>); nothing else is tolerated. Returned lower-case with underscores.
    /// </summary>
    public static bool TryAvailability(string value, out string availability, out string detail)
    {
        foreach (var candidate in Availabilities)
        {
            if (MatchesAvailability(value, candidate))
            {
                availability = candidate;
                detail = "";
                return true;
            }
        }

        availability = "";
        detail = $"{Quote.Value(value)} is not in_stock, out_of_stock, preorder or backorder";
        return false;
    }

    /// <summary>
    /// gtin: 8, 12, 13 or 14 ASCII digits whose last digit is the GS1 check digit (weights 3,1,3,... from the
    /// digit left of the check digit). Stored as given: no padding to 14 digits.
    /// </summary>
    public static bool TryGtin(string value, out string detail)
    {
        if (!AllDigits(value))
        {
            detail = $"{Quote.Value(value)} is not all digits";
            return false;
        }

        if (value.Length is not (8 or 12 or 13 or 14))
        {
            detail = $"{value.Length} digits, a GTIN has 8, 12, 13 or 14";
            return false;
        }

        var sum = 0;
        var weight = 3;
        for (var i = value.Length - 2; i >= 0; i--)
        {
            sum += (value[i] - '0') * weight;
            weight = 4 - weight;
        }

        var expected = (10 - (sum % 10)) % 10;
        var found = value[^1] - '0';
        if (found != expected)
        {
            detail = $"check digit {found}, expected {expected}";
            return false;
        }

        detail = "";
        return true;
    }

    private static bool MatchesAvailability(string value, string candidate)
    {
        if (value.Length != candidate.Length)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var expected = candidate[i];
            var c = value[i];
            var same = expected == '_'
                ? c is '_' or ' '
                : char.IsAsciiLetter(c) && (c | 0x20) == expected;
            if (!same)
            {
                return false;
            }
        }

        return true;
    }
}
