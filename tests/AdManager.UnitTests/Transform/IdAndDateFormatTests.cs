using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

public sealed class IdAndDateFormatTests
{
    [Theory]
    [InlineData("a", true)]
    [InlineData("Az09_.-", true)]
    [InlineData("CMP-2024.03_x", true)]
    [InlineData("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", true)] // 64
    [InlineData("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", false)] // 65
    [InlineData("", false)]
    [InlineData("a b", false)]
    [InlineData("a/b", false)]
    [InlineData("a+b", false)]
    [InlineData("a:b", false)]
    [InlineData("é", false)]
    [InlineData("a\u200Bb", false)]
    [InlineData("ａ", false)]
    public void Id_is_one_to_64_chars_of_letters_digits_underscore_dot_dash(string value, bool valid)
    {
        Assert.Equal(valid, Formats.TryId(value, out var detail));
        Assert.Equal(valid, detail.Length == 0);
    }

    [Theory]
    [InlineData("2024-03-02", 2024, 3, 2)]
    [InlineData("20240302", 2024, 3, 2)]
    [InlineData("2024-02-29", 2024, 2, 29)]
    [InlineData("20240229", 2024, 2, 29)]
    [InlineData("2000-02-29", 2000, 2, 29)]
    [InlineData("0001-01-01", 1, 1, 1)]
    [InlineData("9999-12-31", 9999, 12, 31)]
    [InlineData("2024-04-30", 2024, 4, 30)]
    public void Date_reads_both_forms_of_a_real_calendar_date(string value, int year, int month, int day)
    {
        Assert.True(Formats.TryDate(value, out var date, out _));
        Assert.Equal(new DateOnly(year, month, day), date);
    }

    [Theory]
    [InlineData("2023-02-29")]
    [InlineData("20230229")]
    [InlineData("1900-02-29")]
    [InlineData("2024-02-30")]
    [InlineData("2024-04-31")]
    [InlineData("2024-13-01")]
    [InlineData("2024-00-10")]
    [InlineData("2024-01-00")]
    [InlineData("0000-01-01")]
    [InlineData("00000101")]
    [InlineData("2024-3-02")]
    [InlineData("2024/03/02")]
    [InlineData("2024-0302")]
    [InlineData("202403-02")]
    [InlineData("24-03-02")]
    [InlineData("202403021")]
    [InlineData("2024-03-02T00:00:00Z")]
    [InlineData("２０２４-03-02")]
    [InlineData("2024-03-0x")]
    public void Date_rejects_other_shapes_and_impossible_days(string value)
    {
        Assert.False(Formats.TryDate(value, out _, out var detail));
        Assert.Contains(value[..4], detail);
    }
}
