namespace AdManager.Grains.Pipeline.Transform;

/// <summary><see cref="Formats"/> checks in the one shape <see cref="Row"/> takes, cached as delegates.</summary>
internal static class Parsers
{
    public static readonly Parser<string> Id = (string value, out string result, out string detail) =>
    {
        result = value;
        return Formats.TryId(value, out detail);
    };

    public static readonly Parser<string> Url = (string value, out string result, out string detail) =>
    {
        result = value;
        return Formats.TryUrl(value, out detail);
    };

    public static readonly Parser<string?> Gtin = (string value, out string? result, out string detail) =>
    {
        result = value;
        return Formats.TryGtin(value, out detail);
    };

    public static readonly Parser<string?> OptionalUrl = (string value, out string? result, out string detail) =>
    {
        result = value;
        return Formats.TryUrl(value, out detail);
    };

    public static readonly Parser<string> JsonObject = (string value, out string result, out string detail) =>
    {
        result = value;
        return Formats.TryJsonObject(value, out detail);
    };

    public static readonly Parser<DateOnly> Date = Formats.TryDate;
    public static readonly Parser<DateTimeOffset> Timestamp = Formats.TryTimestamp;
    public static readonly Parser<long> Money = Formats.TryMoney;
    public static readonly Parser<long> Count = Formats.TryCount;
    public static readonly Parser<string> Currency = Formats.TryCurrency;
    public static readonly Parser<string?> OptionalCurrency = (string value, out string? result, out string detail) =>
    {
        var ok = Formats.TryCurrency(value, out var code, out detail);
        result = code;
        return ok;
    };

    public static readonly Parser<string> Country = Formats.TryCountry;
    public static readonly Parser<string> Status = Formats.TryStatus;
    public static readonly Parser<string> Availability = Formats.TryAvailability;
}
