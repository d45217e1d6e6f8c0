using AdManager.Grains.Pipeline.Transform;
using Xunit;

namespace AdManager.UnitTests.Transform;

public sealed class TextFormatTests
{
    private const string Grin = "\U0001F600"; // 2 UTF-16 units, 1 code point
    private const string DecomposedE = "e\u0301"; // NFC composes to U+00E9

    public static TheoryData<string, int, string> Accepted => new()
    {
        { new string('a', 255), 255, new string('a', 255) },
        { Repeat(Grin, 255), 255, Repeat(Grin, 255) },
        { Repeat(DecomposedE, 255), 255, Repeat("\u00E9", 255) },
        { "Caf" + DecomposedE, 4, "Caf\u00E9" },
        { "A\u030A", 1, "\u00C5" },
        { "\u00C5", 1, "\u00C5" },
        { "zero\u200Bwidth", 100, "zero\u200Bwidth" },
        { "soft\u00ADhyphen\u2060joiner\uFEFF", 100, "soft\u00ADhyphen\u2060joiner\uFEFF" },
        { "tab\there", 100, "tab\there" },
        { "line\r\nbreak\nand\rreturn", 100, "line\r\nbreak\nand\rreturn" },
        { "non\uFFFEchar" + DecomposedE, 100, "non\uFFFEchar\u00E9" },
        { "\uFFFF\uFDD0", 2, "\uFFFF\uFDD0" },
        { "\u05E9\u05BC\u05C1", 3, "\u05E9\u05BC\u05C1" },
    };

    public static TheoryData<string, int, TextFault> Rejected => new()
    {
        { new string('a', 256), 255, TextFault.TooLong },
        { Repeat(Grin, 256), 255, TextFault.TooLong },
        { Repeat(DecomposedE, 255) + "x", 255, TextFault.TooLong },
        { "\u0958", 1, TextFault.TooLong }, // NFC decomposes it to two code points
        { "\uFB2C", 2, TextFault.TooLong }, // and this one to three
        { "bell\u0007", 100, TextFault.Invalid },
        { "\u0000", 100, TextFault.Invalid },
        { "vt\u000Bff", 100, TextFault.Invalid },
        { "form\u000Cfeed", 100, TextFault.Invalid },
        { "esc\u001B", 100, TextFault.Invalid },
        { "del\u007F", 100, TextFault.Invalid },
        { "next\u0085line", 100, TextFault.Invalid },
        { "c1\u009F", 100, TextFault.Invalid },
        { new string('a', 300) + "\u0007", 255, TextFault.TooLong }, // length is checked first
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Text_is_stored_in_nfc_and_measured_in_code_points(string value, int max, string stored)
    {
        Assert.True(Formats.TryText(value, max, out var normalized, out var fault, out var detail), detail);
        Assert.Equal(TextFault.None, fault);
        Assert.Equal(stored, normalized);
    }

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Text_over_the_limit_is_too_long_before_control_characters_are_invalid(string value, int max, TextFault expected)
    {
        Assert.False(Formats.TryText(value, max, out _, out var fault, out var detail));
        Assert.Equal(expected, fault);
        Assert.NotEmpty(detail);
    }

    // Lone surrogates cannot travel through xunit's serialized theory data, so the strings are built here.
    [Theory]
    [InlineData("lone", 0xD800, "", 100, TextFault.Invalid)]
    [InlineData("", 0xDC00, "lone", 100, TextFault.Invalid)]
    [InlineData("high then letter ", 0xDBFF, "x", 100, TextFault.Invalid)]
    [InlineData("long ", 0xD800, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 20, TextFault.TooLong)]
    public void Text_with_an_unpaired_surrogate_is_invalid_once_its_length_fits(
        string before, int surrogate, string after, int max, TextFault expected)
    {
        var value = before + (char)surrogate + after;

        Assert.False(Formats.TryText(value, max, out _, out var fault, out var detail));
        Assert.Equal(expected, fault);
        if (expected == TextFault.Invalid)
        {
            Assert.StartsWith("unpaired surrogate U+", detail);
        }
    }

    [Fact]
    public void Too_long_detail_counts_code_points()
    {
        Formats.TryText(Repeat(Grin, 256), 255, out _, out _, out var detail);

        Assert.Equal("256 code points, at most 255", detail);
    }

    [Fact]
    public void Control_character_detail_names_the_character_and_where_it_is()
    {
        Formats.TryText(Grin + "ab\u0007", 10, out _, out _, out var detail);

        Assert.Equal("control character U+0007 at code point 4", detail);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("abc", 3)]
    [InlineData(Grin + Grin, 2)]
    [InlineData("e\u0301", 2)]
    public void Code_points_count_surrogate_pairs_once(string value, int expected) =>
        Assert.Equal(expected, Formats.CountCodePoints(value));

    private static string Repeat(string s, int count) => string.Concat(Enumerable.Repeat(s, count));
}
