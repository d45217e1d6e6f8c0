using AdManager.Grains.Pipeline.Schema;
using Xunit;

namespace AdManager.UnitTests.Transform;

/// <summary>
/// One case per reason code per entity: the column under test is bad and every later column is broken too,
/// so the reason can only be right when checks run in column order and the first failure wins.
/// </summary>
public sealed class FirstFailingCheckTests
{
    private static readonly string A256 = new('a', 256);
    private static readonly string A501 = new('a', 501);
    private static readonly string A5001 = new('a', 5001);
    private static readonly string Id65 = new('x', 65);

    public static TheoryData<EntityKind, string, string?, string> Cases => new()
    {
        { EntityKind.Campaigns, "campaign_id", null, "missing_field:campaign_id" },
        { EntityKind.Campaigns, "campaign_id", Id65, "invalid_value:campaign_id" },
        { EntityKind.Campaigns, "merchant_id", " \u00A0 ", "missing_field:merchant_id" },
        { EntityKind.Campaigns, "merchant_id", "m/1", "invalid_value:merchant_id" },
        { EntityKind.Campaigns, "campaign_name", "", "missing_field:campaign_name" },
        { EntityKind.Campaigns, "campaign_name", A256, "too_long:campaign_name" },
        { EntityKind.Campaigns, "campaign_name", "Sale\u0007", "invalid_value:campaign_name" },
        { EntityKind.Campaigns, "status", "", "missing_field:status" },
        { EntityKind.Campaigns, "status", "live", "invalid_value:status" },
        { EntityKind.Campaigns, "daily_budget", "", "missing_field:daily_budget" },
        { EntityKind.Campaigns, "daily_budget", "12.", "invalid_value:daily_budget" },
        { EntityKind.Campaigns, "currency", "", "missing_field:currency" },
        { EntityKind.Campaigns, "currency", "XYZ", "invalid_value:currency" },
        { EntityKind.Campaigns, "start_date", "", "missing_field:start_date" },
        { EntityKind.Campaigns, "start_date", "2023-02-29", "invalid_value:start_date" },
        { EntityKind.Campaigns, "end_date", "2024-13-01", "invalid_value:end_date" },
        { EntityKind.Campaigns, "end_date", "2024-02-29", "invalid_value:end_date" },
        { EntityKind.Campaigns, "targeting_json", "[]", "invalid_value:targeting_json" },
        { EntityKind.Campaigns, "last_modified", "", "missing_field:last_modified" },
        { EntityKind.Campaigns, "last_modified", "2024-03-01T10:00:00+0200", "invalid_value:last_modified" },

        { EntityKind.CampaignPerformance, "campaign_id", "", "missing_field:campaign_id" },
        { EntityKind.CampaignPerformance, "campaign_id", "c 1", "invalid_value:campaign_id" },
        { EntityKind.CampaignPerformance, "merchant_id", null, "missing_field:merchant_id" },
        { EntityKind.CampaignPerformance, "merchant_id", "m:1", "invalid_value:merchant_id" },
        { EntityKind.CampaignPerformance, "date", "", "missing_field:date" },
        { EntityKind.CampaignPerformance, "date", "2024-02-30", "invalid_value:date" },
        { EntityKind.CampaignPerformance, "impressions", "", "missing_field:impressions" },
        { EntityKind.CampaignPerformance, "impressions", "1e3", "invalid_value:impressions" },
        { EntityKind.CampaignPerformance, "clicks", "", "missing_field:clicks" },
        { EntityKind.CampaignPerformance, "clicks", "-1", "invalid_value:clicks" },
        { EntityKind.CampaignPerformance, "clicks", "1001", "invalid_value:clicks" },
        { EntityKind.CampaignPerformance, "cost", "", "missing_field:cost" },
        { EntityKind.CampaignPerformance, "cost", ".5", "invalid_value:cost" },
        { EntityKind.CampaignPerformance, "conversions", "9007199254740993", "invalid_value:conversions" },

        { EntityKind.Catalogs, "catalog_id", "", "missing_field:catalog_id" },
        { EntityKind.Catalogs, "catalog_id", "cat#1", "invalid_value:catalog_id" },
        { EntityKind.Catalogs, "merchant_id", "", "missing_field:merchant_id" },
        { EntityKind.Catalogs, "merchant_id", "é", "invalid_value:merchant_id" },
        { EntityKind.Catalogs, "catalog_name", null, "missing_field:catalog_name" },
        { EntityKind.Catalogs, "catalog_name", A256, "too_long:catalog_name" },
        { EntityKind.Catalogs, "catalog_name", "Main\u001B", "invalid_value:catalog_name" },
        { EntityKind.Catalogs, "country", "", "missing_field:country" },
        { EntityKind.Catalogs, "country", "XK", "invalid_value:country" },
        { EntityKind.Catalogs, "default_currency", "", "missing_field:default_currency" },
        { EntityKind.Catalogs, "default_currency", "HRK", "invalid_value:default_currency" },
        { EntityKind.Catalogs, "last_modified", "", "missing_field:last_modified" },
        { EntityKind.Catalogs, "last_modified", "2024-03-01T24:00:00Z", "invalid_value:last_modified" },

        { EntityKind.Products, "product_id", "", "missing_field:product_id" },
        { EntityKind.Products, "product_id", "p 1", "invalid_value:product_id" },
        { EntityKind.Products, "catalog_id", "", "missing_field:catalog_id" },
        { EntityKind.Products, "catalog_id", "cat/1", "invalid_value:catalog_id" },
        { EntityKind.Products, "merchant_id", "", "missing_field:merchant_id" },
        { EntityKind.Products, "merchant_id", "m*", "invalid_value:merchant_id" },
        { EntityKind.Products, "title", "", "missing_field:title" },
        { EntityKind.Products, "title", A501, "too_long:title" },
        { EntityKind.Products, "title", "Shirt\u007F", "invalid_value:title" },
        { EntityKind.Products, "description", A5001, "too_long:description" },
        { EntityKind.Products, "description", "Cotton\u0000", "invalid_value:description" },
        { EntityKind.Products, "price", "", "missing_field:price" },
        { EntityKind.Products, "price", "19,99", "invalid_value:price" },
        { EntityKind.Products, "price", "0.000000", "invalid_value:price" },
        { EntityKind.Products, "sale_price", "-1", "invalid_value:sale_price" },
        { EntityKind.Products, "sale_price", "19.990001", "invalid_value:sale_price" },
        { EntityKind.Products, "currency", "EU", "invalid_value:currency" },
        { EntityKind.Products, "availability", "", "missing_field:availability" },
        { EntityKind.Products, "availability", "in-stock", "invalid_value:availability" },
        { EntityKind.Products, "gtin", "4006381333932", "invalid_value:gtin" },
        { EntityKind.Products, "link", "", "missing_field:link" },
        { EntityKind.Products, "link", "ftp://shop.example/p-1", "invalid_value:link" },
        { EntityKind.Products, "image_link", "http://", "invalid_value:image_link" },
        { EntityKind.Products, "last_modified", "", "missing_field:last_modified" },
        { EntityKind.Products, "last_modified", "2024-03-01T10:00Z", "invalid_value:last_modified" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void First_failing_column_gives_the_only_reason_although_later_columns_fail_too(
        EntityKind kind, string column, string? value, string expectedReason)
    {
        var values = TestRows.BreakAfter(kind, TestRows.Build(kind, (column, value)), column);

        var rejection = RuleRunner.Reject(kind, values);

        Assert.Equal(expectedReason, rejection.Reason);
    }

    [Theory]
    [InlineData(EntityKind.Campaigns)]
    [InlineData(EntityKind.CampaignPerformance)]
    [InlineData(EntityKind.Catalogs)]
    [InlineData(EntityKind.Products)]
    public void Every_reason_code_of_an_entity_has_an_ordering_case(EntityKind kind)
    {
        var schema = EntitySchema.For(kind);
        var expected = schema.Columns
            .SelectMany(c => new[] { c.Required ? "missing_field:" + c.Name : null, "invalid_value:" + c.Name })
            .Concat(TextColumns(kind).Select(c => "too_long:" + c))
            .OfType<string>()
            .ToHashSet();
        var covered = Cases.Where(row => (EntityKind)row[0] == kind).Select(row => (string)row[3]).ToHashSet();

        Assert.Empty(expected.Except(covered));
    }

    [Theory]
    [InlineData(EntityKind.Campaigns)]
    [InlineData(EntityKind.CampaignPerformance)]
    [InlineData(EntityKind.Catalogs)]
    [InlineData(EntityKind.Products)]
    public void Broken_value_used_for_later_columns_is_rejected_by_every_column(EntityKind kind)
    {
        foreach (var column in EntitySchema.For(kind).Columns)
        {
            var rejection = RuleRunner.Reject(kind, TestRows.Build(kind, (column.Name, TestRows.Broken)));
            Assert.EndsWith(":" + column.Name, rejection.Reason);
        }
    }

    private static string[] TextColumns(EntityKind kind) => kind switch
    {
        EntityKind.Campaigns => ["campaign_name"],
        EntityKind.Catalogs => ["catalog_name"],
        EntityKind.Products => ["title", "description"],
        _ => [],
    };
}
