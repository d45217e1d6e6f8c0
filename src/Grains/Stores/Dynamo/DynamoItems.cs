using System.Globalization;
using AdManager.Grains.Abstractions.Records;
using Amazon.DynamoDBv2.Model;

namespace AdManager.Grains.Stores.Dynamo;

/// <summary>
/// The DynamoDB shape of performance rows and products. One mapping serves writing and the post-load
/// comparison, so "what we wrote" and "what we expect to read back" cannot drift apart.
/// Empty optional fields are absent attributes; numbers are integer N values; instants are ISO 8601 UTC.
/// </summary>
public static class DynamoItems
{
    public const string PerformanceTable = "CampaignPerformanceLogs";
    public const string ProductTable = "ProductFeeds";

    public static Dictionary<string, AttributeValue> Performance(PerformanceRecord r, Guid jobId, DateTimeOffset migratedAt) => new(9)
    {
        ["CampaignId"] = S(r.CampaignId),
        ["Date"] = S(Date(r.Date)),
        ["MerchantId"] = S(r.MerchantId),
        ["Impressions"] = N(r.Impressions),
        ["Clicks"] = N(r.Clicks),
        ["CostMicros"] = N(r.CostMicros),
        ["Conversions"] = N(r.Conversions),
        ["MigrationJobId"] = S(jobId.ToString()),
        ["MigratedAt"] = S(Instant(migratedAt)),
    };

    public static Dictionary<string, AttributeValue> PerformanceKey(PerformanceRecord r) => new(2)
    {
        ["CampaignId"] = S(r.CampaignId),
        ["Date"] = S(Date(r.Date)),
    };

    public static Dictionary<string, AttributeValue> Product(ProductRecord r, Guid jobId, DateTimeOffset migratedAt)
    {
        var item = new Dictionary<string, AttributeValue>(15)
        {
            ["CatalogId"] = S(r.CatalogId),
            ["ProductId"] = S(r.ProductId),
            ["MerchantId"] = S(r.MerchantId),
            ["Title"] = S(r.Title),
            ["PriceMicros"] = N(r.PriceMicros),
            ["Availability"] = S(r.Availability),
            ["Link"] = S(r.Link),
            ["SourceModifiedAt"] = S(Instant(r.SourceModifiedAt)),
            ["MigrationJobId"] = S(jobId.ToString()),
            ["MigratedAt"] = S(Instant(migratedAt)),
        };
        if (r.Description is { Length: > 0 } description) item["Description"] = S(description);
        if (r.SalePriceMicros is { } sale) item["SalePriceMicros"] = N(sale);
        if (r.Currency is { Length: > 0 } currency) item["Currency"] = S(currency);
        if (r.Gtin is { Length: > 0 } gtin) item["Gtin"] = S(gtin);
        if (r.ImageLink is { Length: > 0 } image) item["ImageLink"] = S(image);
        return item;
    }

    public static Dictionary<string, AttributeValue> ProductKey(ProductRecord r) => new(2)
    {
        ["CatalogId"] = S(r.CatalogId),
        ["ProductId"] = S(r.ProductId),
    };

    /// <summary>The table's partition and sort key attribute names.</summary>
    public static (string Partition, string Sort) KeyNames(string table) =>
        table == PerformanceTable ? ("CampaignId", "Date") : ("CatalogId", "ProductId");

    /// <summary>Key of an item as text, for mismatch lists: <c>CampaignId/Date</c> or <c>CatalogId/ProductId</c>.</summary>
    public static string KeyText(Dictionary<string, AttributeValue> key, string table) => table == PerformanceTable
        ? $"{key["CampaignId"].S}/{key["Date"].S}"
        : $"{key["CatalogId"].S}/{key["ProductId"].S}";

    /// <summary>Whether two items hold the same attributes with the same S/N values.</summary>
    public static bool SameItem(Dictionary<string, AttributeValue> expected, Dictionary<string, AttributeValue>? actual)
    {
        if (actual is null || actual.Count != expected.Count) return false;
        foreach (var (name, value) in expected)
        {
            if (!actual.TryGetValue(name, out var other)) return false;
            if (!string.Equals(value.S, other.S, StringComparison.Ordinal) || !string.Equals(value.N, other.N, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 in UTC with a <c>Z</c>, fraction digits only when there is a fraction.</summary>
    public static string Instant(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
