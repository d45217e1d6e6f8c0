using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

public sealed class PerformanceRulesTests
{
    [Fact]
    public void Valid_performance_row_is_stored_typed()
    {
        var values = TestRows.Performance(("date", " 20240302 "), ("impressions", "0001000"), ("cost", "3.25"));

        Assert.True(RecordRules.TryPerformance(values, out var record, out var rejection), rejection.Detail);
        Assert.Equal(new PerformanceRecord("cmp-1", "m_1", new DateOnly(2024, 3, 2), 1000, 10, 3_250_000, 2), record);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Empty_conversions_are_zero(string? empty)
    {
        Assert.True(RecordRules.TryPerformance(TestRows.Performance(("conversions", empty)), out var record, out _));
        Assert.Equal(0, record!.Conversions);
    }

    [Theory]
    [InlineData("10", "10")]
    [InlineData("0", "0")]
    [InlineData("9007199254740992", "9007199254740992")]
    public void Clicks_equal_to_impressions_are_valid(string impressions, string clicks)
    {
        var values = TestRows.Performance(("impressions", impressions), ("clicks", clicks));

        Assert.True(RecordRules.TryPerformance(values, out var record, out _));
        Assert.Equal(record!.Impressions, record.Clicks);
    }

    [Fact]
    public void Clicks_above_impressions_are_invalid_at_clicks()
    {
        var values = TestRows.Performance(("impressions", "10"), ("clicks", "11"));

        var rejection = RuleRunner.Reject(EntityKind.CampaignPerformance, values);

        Assert.Equal(new Rejection("invalid_value:clicks", "clicks 11 exceed impressions 10"), rejection);
    }

    [Fact]
    public void Count_above_two_to_the_53rd_is_invalid()
    {
        var values = TestRows.Performance(("impressions", "9007199254740993"));

        Assert.Equal("invalid_value:impressions", RuleRunner.Reject(EntityKind.CampaignPerformance, values).Reason);
    }
}
