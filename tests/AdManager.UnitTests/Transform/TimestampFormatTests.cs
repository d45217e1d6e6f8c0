using System.Globalization;
using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

public sealed class TimestampFormatTests
{
    [Theory]
    [InlineData("2024-03-01T10:00:00+02:00", "2024-03-01T08:00:00.0000000Z")]
    [InlineData("2024-03-01T12:00:00Z", "2024-03-01T12:00:00.0000000Z")]
    [InlineData("2024-03-01t12:00:00z", "2024-03-01T12:00:00.0000000Z")]
    [InlineData("2024-03-01T12:00:00z", "2024-03-01T12:00:00.0000000Z")]
    [InlineData("2024-03-01t12:00:00Z", "2024-03-01T12:00:00.0000000Z")]
    [InlineData("2024-03-01 12:00:00", "2024-03-01T12:00:00.0000000Z")]
    [InlineData("2024-03-01T14:00:00+02:00", "2024-03-01T12:00:00.0000000Z")]
    [InlineData("2024-03-01T01:00:00+02:00", "2024-02-29T23:00:00.0000000Z")]
    [InlineData("2024-02-29T23:30:00-01:00", "2024-03-01T00:30:00.0000000Z")]
    [InlineData("2024-03-01T12:00:00-00:00", "2024-03-01T12:00:00.0000000Z")]
    [InlineData("2024-03-01T12:00:00+00:00", "2024-03-01T12:00:00.0000000Z")]
    [InlineData("2024-03-01T12:00:00+14:30", "2024-02-29T21:30:00.0000000Z")]
    [InlineData("2024-03-01T12:00:00+23:59", "2024-02-29T12:01:00.0000000Z")]
    [InlineData("2024-03-01T12:00:00-23:59", "2024-03-02T11:59:00.0000000Z")]
    [InlineData("2024-03-01T12:00:00.5Z", "2024-03-01T12:00:00.5000000Z")]
    [InlineData("2024-03-01T12:00:00.1234567Z", "2024-03-01T12:00:00.1234567Z")]
    [InlineData("2024-03-01T12:00:00.123456789+01:00", "2024-03-01T11:00:00.1234567Z")]
    [InlineData("2024-03-01T12:00:00.99999999999Z", "2024-03-01T12:00:00.9999999Z")]
    [InlineData("2024-03-01T23:59:59Z", "2024-03-01T23:59:59.0000000Z")]
    [InlineData("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.0000000Z")]
    [InlineData("0001-01-01T00:30:00-01:00", "0001-01-01T01:30:00.0000000Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z")]
    [InlineData("9999-12-31T23:59:59+01:00", "9999-12-31T22:59:59.0000000Z")]
    public void Timestamp_becomes_the_utc_instant(string value, string expectedUtc)
    {
        Assert.True(Formats.TryTimestamp(value, out var instant, out var detail), detail);
        Assert.Equal(TimeSpan.Zero, instant.Offset);
        Assert.Equal(expectedUtc, instant.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Same_instant_in_two_offsets_is_equal()
    {
        Assert.True(Formats.TryTimestamp("2024-03-01T12:00:00Z", out var utc, out _));
        Assert.True(Formats.TryTimestamp("2024-03-01T14:00:00+02:00", out var plusTwo, out _));
        Assert.Equal(utc.UtcTicks, plusTwo.UtcTicks);
    }

    [Theory]
    [InlineData("2024-03-01T10:00:00+0200")] // offset without colon
    [InlineData("2024-03-01T10:00:00+02")]
    [InlineData("2024-03-01T10:00:00+2:00")]
    [InlineData("2024-03-01T10:00:00+02:00:00")]
    [InlineData("2024-03-01T24:00:00Z")] // hour 24
    [InlineData("2024-03-01T23:60:00Z")]
    [InlineData("2024-03-01T23:59:60Z")] // leap second
    [InlineData("2024-03-01T10:00Z")] // missing seconds
    [InlineData("2024-03-01T10:00+02:00")]
    [InlineData("2024-03-01T10:00:00")] // ISO form needs an offset
    [InlineData("2024-03-01 10:00:00Z")] // space form takes no offset
    [InlineData("2024-03-01 10:00:00+02:00")]
    [InlineData("2024-03-01 10:00:00.5")] // nor a fraction
    [InlineData("2024-03-01 10:00")]
    [InlineData("2024-03-01T10:00:00.Z")] // empty fraction
    [InlineData("2024-03-01T10:00:00,5Z")]
    [InlineData("2024-03-01T10:00:00+24:00")]
    [InlineData("2024-03-01T10:00:00+02:60")]
    [InlineData("2024-03-01T10:00:00 +02:00")]
    [InlineData("2024-03-01T10:00:00ZZ")]
    [InlineData("2024-03-01T10:00:00UTC")]
    [InlineData("2024-03-01_10:00:00Z")]
    [InlineData("2024-03-01  10:00:00")]
    [InlineData("20240301T100000Z")]
    [InlineData("20240301 10:00:00")]
    [InlineData("2024-3-01T10:00:00Z")]
    [InlineData("2024-03-01T1:00:00Z")]
    [InlineData("2023-02-29T00:00:00Z")] // not a real date
    [InlineData("0000-12-31T23:00:00-02:00")] // year 0000
    [InlineData("0001-01-01T00:30:00+01:00")] // before 0001-01-01 UTC
    [InlineData("9999-12-31T23:00:00-02:00")] // after 9999-12-31 UTC
    [InlineData("2024-03-01")]
    [InlineData("1709287200")]
    public void Timestamp_accepts_nothing_but_the_two_exact_forms(string value)
    {
        Assert.False(Formats.TryTimestamp(value, out var instant, out var detail));
        Assert.Equal(default, instant);
        Assert.Contains(value[..10], detail);
    }
}
