using System;
using System.Linq;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using Xunit;
using static AdManager.UnitTests.Extract.ExtractTestSupport;

namespace AdManager.UnitTests.Extract;

/// <summary>
/// <c>invalid_encoding</c> is decided on the raw bytes of the record (every line it spans), before any decoding, and
/// takes precedence over <c>malformed_row</c>.
/// </summary>
public class Utf8EncodingTests
{
    private const string H = PerfHeader;

    [Theory]
    [InlineData("<FF>")] // never valid in UTF-8
    [InlineData("<FE>")]
    [InlineData("<80>")] // lone continuation bytes
    [InlineData("<BF>")]
    [InlineData("a<80><80>")]
    [InlineData("<C3>")] // truncated sequences
    [InlineData("<E2><82>")]
    [InlineData("<F0><9F><98>")]
    [InlineData("<C3>x")]
    [InlineData("<C0><AF>")] // overlong encodings of '/'
    [InlineData("<E0><80><AF>")]
    [InlineData("<F0><80><80><AF>")]
    [InlineData("<C1><BF>")]
    [InlineData("<ED><A0><80>")] // UTF-16 surrogates encoded in UTF-8 (CESU-8)
    [InlineData("<ED><BF><BF>")]
    [InlineData("<ED><A0><BD><ED><B8><80>")]
    [InlineData("<F4><90><80><80>")] // above U+10FFFF
    [InlineData("<F5><80><80><80>")]
    [InlineData("<F8><88><80><80><80>")] // 5-byte form
    public void Invalid_utf8_in_a_field_rejects_the_record_as_invalid_encoding(string bad)
    {
        var csv = H + $"\nA,B,d,i,k,c\nA{bad}Z,B,d,i,k,c\nE,F,d,i,k,c";
        Assert.Equal("L2 A|B|d|i|k|c|∅ ; L3 invalid_encoding ; L4 E|F|d|i|k|c|∅", DescribePerfCsv(csv));
    }

    [Theory]
    [InlineData("<C2><80>")]
    [InlineData("<DF><BF>")]
    [InlineData("<E0><A0><80>")]
    [InlineData("<ED><9F><BF>")] // U+D7FF, just below the surrogates
    [InlineData("<EE><80><80>")] // U+E000, just above
    [InlineData("<EF><BF><BD>")] // U+FFFD written in the file is data
    [InlineData("<EF><BF><BF>")] // U+FFFF (a noncharacter, but valid UTF-8)
    [InlineData("<F0><90><80><80>")]
    [InlineData("<F4><8F><BF><BF>")] // U+10FFFF
    public void Valid_multibyte_sequences_at_the_edges_are_accepted(string good)
    {
        var csv = H + $"\nA{good}Z,B,d,i,k,c";
        var expected = "A" + System.Text.Encoding.UTF8.GetString(Bytes(good)) + "Z";
        Assert.Equal($"L2 {expected}|B|d|i|k|c|∅", DescribePerfCsv(csv));
    }

    [Theory]
    [InlineData(H + "\n\"a\nb<FF>\nc\",B,d,i,k,c\nE,F,d,i,k,c", "L2 invalid_encoding ; L5 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n\"a\r\n\r\n\",B,d,i,k,<C3>\r\nE,F,d,i,k,c", "L2 invalid_encoding ; L5 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n\"<E2>\n<82><AC>\",B,d,i,k,c\nE,F,d,i,k,c", "L2 invalid_encoding ; L4 E|F|d|i|k|c|∅")]
    public void Invalid_utf8_anywhere_in_a_multi_line_record_rejects_the_whole_record_at_its_start_line(string csv, string expected)
    {
        Assert.Equal(expected, DescribePerfCsv(csv));
    }

    [Theory]
    // A sequence split by a comma or a quote is invalid, although the field contents joined would be valid.
    [InlineData(H + "\n<C3>,<A9>,d,i,k,c", "L2 invalid_encoding")]
    [InlineData(H + "\n\"<C3>\"\"<A9>\",B,d,i,k,c", "L2 invalid_encoding")]
    public void Encoding_is_checked_on_the_raw_bytes_not_on_the_unquoted_values(string csv, string expected)
    {
        Assert.Equal(expected, DescribePerfCsv(csv));
    }

    [Theory]
    [InlineData(H + "\nA<FF>,B,d,i,k\nE,F,d,i,k,c", "L2 invalid_encoding ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\nA\"<FF>,B,d,i,k,c\nE,F,d,i,k,c", "L2 invalid_encoding ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\nA\",B,d,i,k,c<FF>\nE,F,d,i,k,c", "L2 invalid_encoding ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n\"A\"x<80>\nE,F,d,i,k,c", "L2 invalid_encoding ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\nA,B,d,i,k,c\n\"never closed\n\n<FF>\nE,F,d,i,k,c", "L2 A|B|d|i|k|c|∅ ; L3 invalid_encoding")]
    public void Invalid_encoding_takes_precedence_over_malformed_row(string csv, string expected)
    {
        Assert.Equal(expected, DescribePerfCsv(csv));
    }

    [Fact]
    public void Values_never_contain_a_replacement_character_for_bad_bytes()
    {
        var csv = H + "\n<FF>,B,d,i,k,c\n<C3><A9>,B,d,i,k,c\n<ED><A0><80>,B,d,i,k,c";
        var records = ReadAll(Bytes(csv), "campaign_performance.csv", EntitySchema.CampaignPerformance);

        Assert.Equal([RecordProblem.InvalidEncoding, RecordProblem.None, RecordProblem.InvalidEncoding], records.Select(r => r.Problem));
        Assert.Equal("\u00e9", records[1].Values![0]);
        Assert.All(records.Where(r => r.Values is not null).SelectMany(r => r.Values!), v => Assert.DoesNotContain('\uFFFD', v ?? ""));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("ab<C3>", 2)]
    [InlineData("a<C3><A9>", 1)]
    [InlineData("a<E2><82>", 1)]
    [InlineData("a<E2><82><AC>", 1)]
    [InlineData("<F0><9F><98>", 0)]
    [InlineData("a<F0><9F><98><80>", 5)]
    [InlineData("<80><80><80>", 3)]
    [InlineData("a<80><80><80>", 4)]
    [InlineData("a<FF>", 1)]
    public void Utf8_safe_length_never_cuts_inside_a_sequence(string text, int expected)
    {
        var bytes = Bytes(text);
        var cut = RecordScanner.Utf8SafeLength(bytes);

        Assert.Equal(expected, cut);
        Assert.Equal(
            System.Text.Unicode.Utf8.IsValid(bytes.Concat(Bytes("<81>z")).ToArray()),
            System.Text.Unicode.Utf8.IsValid(bytes[..cut]) && System.Text.Unicode.Utf8.IsValid(bytes[cut..].Concat(Bytes("<81>z")).ToArray()));
    }
}
