using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

public sealed class MoneyAndCountFormatTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("0.0", 0L)]
    [InlineData("12.5", 12_500_000L)]
    [InlineData("12.50", 12_500_000L)]
    [InlineData("000012.5", 12_500_000L)]
    [InlineData("0.000001", 1L)]
    [InlineData("3.141592", 3_141_592L)]
    [InlineData("999999999.999999", 999_999_999_999_999L)]
    [InlineData("1000000000", 1_000_000_000_000_000L)]
    [InlineData("1000000000.0", 1_000_000_000_000_000L)]
    [InlineData("1000000000.000000", 1_000_000_000_000_000L)]
    [InlineData("00000000000000000001000000000", 1_000_000_000_000_000L)]
    public void Money_is_stored_as_micros_up_to_one_billion_inclusive(string value, long micros)
    {
        Assert.True(Formats.TryMoney(value, out var parsed, out var detail), detail);
        Assert.Equal(micros, parsed);
    }

    [Theory]
    [InlineData("12.")]
    [InlineData(".5")]
    [InlineData(".")]
    [InlineData("1000000000.000001")]
    [InlineData("1000000001")]
    [InlineData("99999999999999999999999")]
    [InlineData("12.1234567")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1,000")]
    [InlineData("1 000")]
    [InlineData("1_000")]
    [InlineData("1e3")]
    [InlineData("12.5.1")]
    [InlineData("12,5")]
    [InlineData("$12")]
    [InlineData("١٢")]
    [InlineData("NaN")]
    public void Money_rejects_signs_separators_bare_dots_and_amounts_above_the_bound(string value)
    {
        Assert.False(Formats.TryMoney(value, out var micros, out var detail));
        Assert.Equal(0, micros);
        Assert.Contains(value, detail);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("7", 7L)]
    [InlineData("007", 7L)]
    [InlineData("9007199254740991", 9_007_199_254_740_991L)]
    [InlineData("9007199254740992", 9_007_199_254_740_992L)] // 2^53
    [InlineData("00000000000000000009007199254740992", 9_007_199_254_740_992L)]
    public void Count_is_digits_up_to_two_to_the_53rd(string value, long count)
    {
        Assert.True(Formats.TryCount(value, out var parsed, out var detail), detail);
        Assert.Equal(count, parsed);
    }

    [Theory]
    [InlineData("9007199254740993")] // 2^53 + 1
    [InlineData("10000000000000000")]
    [InlineData("99999999999999999999999999")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("1,000")]
    [InlineData("12a")]
    [InlineData("٣")]
    public void Count_rejects_anything_but_plain_digits_within_the_bound(string value)
    {
        Assert.False(Formats.TryCount(value, out var count, out var detail));
        Assert.Equal(0, count);
        Assert.Contains(value, detail);
    }

    [Theory]
    [InlineData(12_500_000L, "12.5")]
    [InlineData(1L, "0.000001")]
    [InlineData(15_000_000L, "15")]
    [InlineData(0L, "0")]
    public void Money_text_shows_micros_as_a_plain_decimal(long micros, string text) =>
        Assert.Equal(text, Formats.MoneyText(micros));
}
