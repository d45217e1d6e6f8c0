using AdManager.Grains.Pipeline.Schema;
using AdManager.UnitTests.Transform;

namespace AdManager.UnitTests.Conformance;

/// <summary>
/// Each rule of the spec through the real readers: a spelling the rule accepts is stored the same from CSV and NDJSON
/// (plain and gzip), one it refuses gets the same reason from both.
/// </summary>
public sealed class RuleThroughReaderTests
{
    private static readonly string NfdName255 = string.Concat(Enumerable.Repeat("e\u0301", 255));
    private static readonly string Nfc255 = new('\u00E9', 255);

    /// <summary>Entity, column, value as written, and the stored form (as <see cref="BothFormats.StoredText"/> renders it) or the reason.</summary>
    public static TheoryData<EntityKind, string, string?, string> Rules => new()
    {
        // id
        { EntityKind.Campaigns, "campaign_id", new string('a', 64), new string('a', 64) },
        { EntityKind.Campaigns, "campaign_id", " A-z_0.9 ", "A-z_0.9" },
        { EntityKind.Campaigns, "campaign_id", new string('a', 65), "invalid_value:campaign_id" },
        { EntityKind.Catalogs, "catalog_id", "cat\u00E9", "invalid_value:catalog_id" },
        // date
        { EntityKind.Campaigns, "start_date", "20240229", "2024-02-29" },
        { EntityKind.Campaigns, "start_date", "2023-02-29", "invalid_value:start_date" },
        { EntityKind.CampaignPerformance, "date", "\u30002024-03-02\u3000", "2024-03-02" },
        { EntityKind.CampaignPerformance, "date", "2024-3-2", "invalid_value:date" },
        // timestamp
        { EntityKind.Campaigns, "last_modified", "2024-03-01T12:00:00+02:00", "2024-03-01T10:00:00.0000000Z" },
        { EntityKind.Campaigns, "last_modified", "2024-03-01 10:00:00", "2024-03-01T10:00:00.0000000Z" },
        { EntityKind.Catalogs, "last_modified", "2024-03-01t09:30:00.1234567-00:30", "2024-03-01T10:00:00.1234567Z" },
        { EntityKind.Catalogs, "last_modified", "2024-03-01T10:00:00+0200", "invalid_value:last_modified" },
        { EntityKind.Products, "last_modified", "2024-03-01T10:00:60Z", "invalid_value:last_modified" },
        // money
        { EntityKind.Campaigns, "daily_budget", "0012.500000", "12500000" },
        { EntityKind.Campaigns, "daily_budget", "1000000000", "1000000000000000" },
        { EntityKind.Campaigns, "daily_budget", "1000000000.000001", "invalid_value:daily_budget" },
        { EntityKind.CampaignPerformance, "cost", "0", "0" },
        { EntityKind.CampaignPerformance, "cost", "12.", "invalid_value:cost" },
        { EntityKind.Products, "price", ".5", "invalid_value:price" },
        { EntityKind.Products, "price", "019.990000", "19990000" },
        { EntityKind.Products, "price", "0", "invalid_value:price" },
        // count
        { EntityKind.CampaignPerformance, "conversions", "9007199254740992", "9007199254740992" },
        { EntityKind.CampaignPerformance, "conversions", "9007199254740993", "invalid_value:conversions" },
        { EntityKind.CampaignPerformance, "conversions", "", "0" },
        { EntityKind.CampaignPerformance, "impressions", "1e3", "invalid_value:impressions" },
        // currency and country
        { EntityKind.Campaigns, "currency", " xts ", "XTS" },
        { EntityKind.Campaigns, "currency", "HRK", "invalid_value:currency" },
        { EntityKind.Catalogs, "default_currency", "US", "invalid_value:default_currency" },
        { EntityKind.Catalogs, "country", "ax", "AX" },
        { EntityKind.Catalogs, "country", "UK", "invalid_value:country" },
        { EntityKind.Products, "currency", "", "∅" },
        { EntityKind.Products, "currency", "jpy", "JPY" },
        // url
        { EntityKind.Products, "link", "HTTPS://shop.example:443/p?a=1#x", "HTTPS://shop.example:443/p?a=1#x" },
        { EntityKind.Products, "link", "http://shop.example:65536/", "invalid_value:link" },
        { EntityKind.Products, "image_link", "", "∅" },
        { EntityKind.Products, "image_link", "https://img example/p.png", "invalid_value:image_link" },
        // text(n)
        { EntityKind.Campaigns, "campaign_name", NfdName255, Nfc255 },
        { EntityKind.Campaigns, "campaign_name", NfdName255 + "e", "too_long:campaign_name" },
        { EntityKind.Catalogs, "catalog_name", "a\u200Bb\tc\r\nd", "a\u200Bb\tc\r\nd" },
        { EntityKind.Catalogs, "catalog_name", "a\u0085b", "invalid_value:catalog_name" },
        { EntityKind.Products, "title", new string('\u0007', 501), "too_long:title" },
        { EntityKind.Products, "description", "", "∅" },
        // status and availability maps
        { EntityKind.Campaigns, "status", "On_Hold", "paused" },
        { EntityKind.Campaigns, "status", "1", "active" },
        { EntityKind.Campaigns, "status", "DELETED", "archived" },
        { EntityKind.Campaigns, "status", "Pending", "draft" },
        { EntityKind.Campaigns, "status", "on hold", "invalid_value:status" },
        { EntityKind.Products, "availability", "Out Of Stock", "out_of_stock" },
        { EntityKind.Products, "availability", "in  stock", "invalid_value:availability" },
        // GTIN check digits
        { EntityKind.Products, "gtin", "96385074", "96385074" },
        { EntityKind.Products, "gtin", "036000291452", "036000291452" },
        { EntityKind.Products, "gtin", "00012345600012", "00012345600012" },
        { EntityKind.Products, "gtin", "4006381333932", "invalid_value:gtin" },
        // targeting
        { EntityKind.Campaigns, "targeting_json", "  ", "{}" },
        { EntityKind.Campaigns, "targeting_json", "{\"geo\":[\"US\"]}", "{\"geo\":[\"US\"]}" },
        { EntityKind.Campaigns, "targeting_json", "[\"US\"]", "invalid_value:targeting_json" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Rule_gives_the_same_stored_value_or_reason_from_csv_and_ndjson(EntityKind kind, string column, string? value, string expected)
    {
        var values = TestRows.Build(kind, (column, value));
        var record = BothFormats.Record(kind, values);

        if (IsReason(expected))
        {
            BothFormats.AssertRejected(record, expected, Testing.Exports.ReferenceModel.Key(record));
        }
        else
        {
            Assert.Equal(expected, BothFormats.StoredText(BothFormats.AssertValid(record), column));
        }
    }

    public static TheoryData<EntityKind, string, string, string, string> CrossFieldRules => new()
    {
        { EntityKind.Campaigns, "start_date", "2024-03-01", "end_date", "20240301" },
        { EntityKind.CampaignPerformance, "impressions", "10", "clicks", "10" },
        { EntityKind.Products, "price", "15", "sale_price", "15.000000" },
        { EntityKind.Products, "price", "15", "sale_price", "0" },
    };

    [Theory]
    [MemberData(nameof(CrossFieldRules))]
    public void Comparisons_allow_equality_and_one_unit_more_is_refused(EntityKind kind, string first, string firstValue, string second, string equal)
    {
        BothFormats.AssertValid(BothFormats.Record(kind, TestRows.Build(kind, (first, firstValue), (second, equal))));

        var above = second == "end_date" ? "2024-02-29" : second == "clicks" ? "11" : "15.000001";
        var values = TestRows.Build(kind, (first, firstValue), (second, above));
        BothFormats.AssertRejected(BothFormats.Record(kind, values), "invalid_value:" + second, Testing.Exports.ReferenceModel.Key(BothFormats.Record(kind, values)));
    }

    private static bool IsReason(string expected) =>
        expected.StartsWith("invalid_value:", StringComparison.Ordinal) || expected.StartsWith("too_long:", StringComparison.Ordinal)
        || expected.StartsWith("missing_field:", StringComparison.Ordinal);
}
