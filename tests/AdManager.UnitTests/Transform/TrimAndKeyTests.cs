using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

public sealed class TrimAndKeyTests
{
    [Theory]
    [InlineData("\t")]
    [InlineData("\n")]
    [InlineData("\r")]
    [InlineData("\u000B")]
    [InlineData("\u000C")]
    [InlineData("\u0085")]
    [InlineData("\u00A0")]
    [InlineData("\u1680")]
    [InlineData("\u2000")]
    [InlineData("\u200A")]
    [InlineData("\u2028")]
    [InlineData("\u2029")]
    [InlineData("\u202F")]
    [InlineData("\u205F")]
    [InlineData("\u3000")]
    public void Unicode_white_space_around_a_value_is_trimmed(string space)
    {
        var values = TestRows.Catalog(("catalog_id", space + "cat.1" + space), ("country", space + "de" + space));

        Assert.True(RecordRules.TryCatalog(values, out var record, out _));
        Assert.Equal("cat.1", record!.CatalogId);
        Assert.Equal("DE", record.Country);
    }

    [Theory]
    [InlineData("\u200B")] // zero width space: a format character, not White_Space
    [InlineData("\uFEFF")]
    [InlineData("\u180E")]
    [InlineData("\u001C")]
    public void Characters_outside_white_space_are_not_trimmed(string notSpace)
    {
        var rejection = RuleRunner.Reject(EntityKind.Catalogs, TestRows.Catalog(("catalog_id", notSpace + "cat.1")));

        Assert.Equal("invalid_value:catalog_id", rejection.Reason);
    }

    [Theory]
    [InlineData(EntityKind.Campaigns, "campaign_id", " cmp-1 ", "cmp-1")]
    [InlineData(EntityKind.Catalogs, "catalog_id", "cat.1", "cat.1")]
    [InlineData(EntityKind.Products, "product_id", "\u00A0p-1", "p-1")]
    [InlineData(EntityKind.Campaigns, "campaign_id", "not a valid id", "not a valid id")]
    [InlineData(EntityKind.Campaigns, "campaign_id", "  ", null)]
    [InlineData(EntityKind.Campaigns, "campaign_id", null, null)]
    [InlineData(EntityKind.Products, "product_id", "", null)]
    public void Record_key_is_the_trimmed_id(EntityKind kind, string column, string? raw, string? key)
    {
        Assert.Equal(key, RecordRules.RecordKey(kind, TestRows.Build(kind, (column, raw))));
    }

    [Theory]
    [InlineData("cmp-1", " 20240302 ", "cmp-1/20240302")]
    [InlineData("cmp-1", "2024-03-02", "cmp-1/2024-03-02")]
    [InlineData("cmp-1", "", "cmp-1")]
    [InlineData("", "2024-03-02", null)]
    public void Performance_key_joins_campaign_and_date(string campaignId, string date, string? key)
    {
        var values = TestRows.Performance(("campaign_id", campaignId), ("date", date));

        Assert.Equal(key, RecordRules.RecordKey(EntityKind.CampaignPerformance, values));
    }

    [Fact]
    public void Record_key_of_a_huge_id_is_cut()
    {
        var key = RecordRules.RecordKey(EntityKind.Campaigns, TestRows.Campaign(("campaign_id", new string('x', 10_000))));

        Assert.Equal(new string('x', RecordRules.MaxKeyPartLength) + "…", key);
    }

    [Fact]
    public void Details_quote_at_most_sixty_characters_of_a_value()
    {
        var rejection = RuleRunner.Reject(EntityKind.Campaigns, TestRows.Campaign(("status", new string('s', 10_000))));

        Assert.Equal("'" + new string('s', 60) + "…' is not a known status", rejection.Detail);
    }

    [Fact]
    public void Details_show_control_characters_escaped()
    {
        var rejection = RuleRunner.Reject(EntityKind.Campaigns, TestRows.Campaign(("status", "act\nive")));

        Assert.Equal("'act\\u000Aive' is not a known status", rejection.Detail);
    }

    [Fact]
    public void Record_key_shows_control_characters_and_unpaired_surrogates_escaped()
    {
        var values = TestRows.Product(("product_id", "p\n1" + '\uD800'));

        Assert.Equal("p\\u000A1\\uD800", RecordRules.RecordKey(EntityKind.Products, values));
    }

    [Fact]
    public void Details_never_carry_an_unpaired_surrogate()
    {
        var rejection = RuleRunner.Reject(EntityKind.Campaigns, TestRows.Campaign(("status", "x" + '\uDC00' + "\U0001F600")));

        Assert.Equal("'x\\uDC00\U0001F600' is not a known status", rejection.Detail);
    }
}
