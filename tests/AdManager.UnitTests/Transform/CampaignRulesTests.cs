using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

public sealed class CampaignRulesTests
{
    [Fact]
    public void Valid_campaign_is_stored_with_normalized_values()
    {
        var values = TestRows.Campaign(
            ("campaign_id", "  cmp-1\t"),
            ("campaign_name", "\u3000Cafe\u0301 week\u00A0"),
            ("status", "Running"),
            ("daily_budget", "0012.50"),
            ("currency", "usd"),
            ("start_date", "20240301"),
            ("end_date", "2024-03-31"),
            ("targeting_json", " {\"geo\": [\"US\"]} "),
            ("last_modified", "2024-03-01T10:00:00+02:00"));

        Assert.True(RecordRules.TryCampaign(values, out var record, out var rejection), rejection.Detail);

        var expected = new CampaignRecord(
            "cmp-1", "m_1", "Caf\u00E9 week", "active", 12_500_000, "USD",
            new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 31), "{\"geo\": [\"US\"]}",
            new DateTimeOffset(2024, 3, 1, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal(expected, record);
        Assert.Equal(TimeSpan.Zero, record!.SourceModifiedAt.Offset);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t\u00A0 ")]
    public void Empty_optional_columns_take_their_defaults(string? empty)
    {
        var values = TestRows.Campaign(("end_date", empty), ("targeting_json", empty));

        Assert.True(RecordRules.TryCampaign(values, out var record, out _));
        Assert.Null(record!.EndDate);
        Assert.Equal("{}", record.TargetingJson);
    }

    [Fact]
    public void End_date_equal_to_start_date_is_valid()
    {
        var values = TestRows.Campaign(("start_date", "2024-03-01"), ("end_date", "20240301"));

        Assert.True(RecordRules.TryCampaign(values, out var record, out _));
        Assert.Equal(record!.StartDate, record.EndDate);
    }

    [Fact]
    public void End_date_before_start_date_is_invalid_at_end_date()
    {
        var values = TestRows.Campaign(("start_date", "2024-03-01"), ("end_date", "2024-02-29"));

        var rejection = RuleRunner.Reject(EntityKind.Campaigns, values);

        Assert.Equal(new Rejection("invalid_value:end_date", "end_date 2024-02-29 is before start_date 2024-03-01"), rejection);
    }

    [Theory]
    [InlineData("active", "active")]
    [InlineData("ENABLED", "active")]
    [InlineData("1", "active")]
    [InlineData("On_Hold", "paused")]
    [InlineData("0", "paused")]
    [InlineData("ended", "archived")]
    [InlineData("pending", "draft")]
    public void Status_is_stored_mapped(string raw, string stored)
    {
        Assert.True(RecordRules.TryCampaign(TestRows.Campaign(("status", raw)), out var record, out _));
        Assert.Equal(stored, record!.Status);
    }

    [Fact]
    public void Zero_daily_budget_is_valid()
    {
        Assert.True(RecordRules.TryCampaign(TestRows.Campaign(("daily_budget", "0")), out var record, out _));
        Assert.Equal(0, record!.DailyBudgetMicros);
    }

    [Fact]
    public void Campaign_name_of_255_astral_code_points_fits()
    {
        var name = string.Concat(Enumerable.Repeat("\U0001F600", 255));

        Assert.True(RecordRules.TryCampaign(TestRows.Campaign(("campaign_name", name)), out var record, out _));
        Assert.Equal(name, record!.Name);
    }

    [Fact]
    public void Missing_field_detail_names_the_column()
    {
        var rejection = RuleRunner.Reject(EntityKind.Campaigns, TestRows.Campaign(("campaign_name", null)));

        Assert.Equal(new Rejection("missing_field:campaign_name", "campaign_name is required but empty or absent"), rejection);
    }

    [Fact]
    public void Invalid_currency_detail_quotes_the_code()
    {
        var rejection = RuleRunner.Reject(EntityKind.Campaigns, TestRows.Campaign(("currency", " xyz ")));

        Assert.Equal(new Rejection("invalid_value:currency", "'xyz' is not an ISO 4217 currency code"), rejection);
    }

    [Fact]
    public void Values_array_of_the_wrong_length_is_a_caller_bug()
    {
        Assert.Throws<ArgumentException>(() => RecordRules.TryCampaign(new string?[3], out _, out _));
    }
}
