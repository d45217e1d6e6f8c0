using System.Text;
using CsCheck;
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

    [Fact]
    public void The_characters_taken_as_stable_under_nfc_are_so_for_icu_alone_and_in_any_sequence()
    {
        // The fast path's premise, checked against ICU: every character it accepts is NFC on its own, and any string
        // of them is NFC (none composes with another or reorders).
        var stable = Enumerable.Range(0, 0x10000).Select(c => (char)c).Where(c => Formats.IsStableUnderNfc([c])).ToArray();
        Assert.Equal(0x300 + (0x4DBF - 0x3400 + 1) + (0x9FFF - 0x4E00 + 1) + (0xD7A3 - 0xAC00 + 1), stable.Length);
        Assert.All(stable, c => Assert.True(c.ToString().IsNormalized(NormalizationForm.FormC), $"U+{(int)c:X4}"));
        Gen.Int[0, stable.Length - 1].Array[1, 12].Select(ix => new string([.. ix.Select(i => stable[i])]))
            .Sample(text => Assert.True(text.IsNormalized(NormalizationForm.FormC), text), iter: 20_000);
    }

    [Fact]
    public void Text_mixing_letters_ideographs_syllables_jamo_and_combining_marks_is_stored_as_icu_normalizes_it()
    {
        var chars = Gen.OneOf(Gen.Char['a', 'z'], Gen.Char['\u00C0', '\u02FF'], Gen.Char['\u0300', '\u036F'], Gen.Char['\u1100', '\u11FF'],
            Gen.Char['\uAC00', '\uAC20'], Gen.Char['\u4E00', '\u4E10'], Gen.Char['\u3099', '\u309A'], Gen.Char['\u3041', '\u3096'], Gen.Char['\uF900', '\uF910']);
        chars.Array[1, 10].Select(c => new string(c)).Sample(text =>
        {
            Assert.True(Formats.TryText(text, 100, out var stored, out _, out var detail), detail);
            Assert.Equal(text.Normalize(NormalizationForm.FormC), stored);
        }, iter: 20_000);
    }
}
