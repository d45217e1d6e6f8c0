using System;
using System.Linq;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using Xunit;
using static AdManager.UnitTests.Extract.ExtractTestSupport;

namespace AdManager.UnitTests.Extract;

/// <summary>NDJSON: one JSON object per line, values as raw text, blank lines, warnings.</summary>
public class NdjsonReaderTests
{
    private const string FileName = "campaign_performance.ndjson";

    private static string Read(string ndjson, int? chunk = null) =>
        Describe(ReadAll(Bytes(ndjson), FileName, EntitySchema.CampaignPerformance, chunk: chunk));

    [Theory]
    [InlineData("{\"campaign_id\":\"A\",\"merchant_id\":\"B\"}", "L1 A|B|∅|∅|∅|∅|∅")]
    [InlineData("{\"campaign_id\":\"  A \",\"merchant_id\":\"\"}", "L1   A ||∅|∅|∅|∅|∅")]
    [InlineData("{\"campaign_id\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"}", "L1 a\"b\\c\n\u00e9\U0001F600|∅|∅|∅|∅|∅|∅")]
    [InlineData("{\"campaign\\u005fid\":\"A\"}", "L1 A|∅|∅|∅|∅|∅|∅")]
    [InlineData("{}", "L1 ∅|∅|∅|∅|∅|∅|∅")]
    [InlineData("  {\"campaign_id\":\"A\"}  \t", "L1 A|∅|∅|∅|∅|∅|∅")]
    public void Strings_are_taken_unescaped_and_untrimmed(string ndjson, string expected)
    {
        Assert.Equal(expected, Read(ndjson));
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("1e3", "1e3")]
    [InlineData("1E+3", "1E+3")]
    [InlineData("-0", "-0")]
    [InlineData("0.50", "0.50")]
    [InlineData("12.000000", "12.000000")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("-1.5e-7", "-1.5e-7")]
    public void Numbers_keep_their_literal_text(string literal, string expected)
    {
        Assert.Equal($"L1 ∅|∅|∅|{expected}|∅|∅|∅", Read($"{{\"impressions\": {literal} }}"));
    }

    [Theory]
    [InlineData("null", "∅")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("[1, \"a\" ,null]", "[1, \"a\" ,null]")]
    [InlineData("{\"a\": {\"b\": [1,2]}, \"c\":\"\\u00e9\"}", "{\"a\": {\"b\": [1,2]}, \"c\":\"\\u00e9\"}")]
    [InlineData("{}", "{}")]
    [InlineData("[]", "[]")]
    public void Null_is_null_and_bools_arrays_objects_are_their_raw_json_text(string json, string expected)
    {
        Assert.Equal($"L1 ∅|∅|∅|∅|∅|∅|{expected}", Read($"{{\"conversions\":{json}}}"));
    }

    [Fact]
    public void Deeply_nested_value_is_kept_as_raw_text()
    {
        var deep = new string('[', 500) + new string(']', 500);
        Assert.Equal($"L1 ∅|∅|∅|∅|∅|∅|{deep}", Read($"{{\"conversions\":{deep}}}"));
    }

    [Fact]
    public void Missing_key_gives_null()
    {
        var records = ReadAll(Bytes("{\"campaign_id\":\"A\"}"), FileName, EntitySchema.CampaignPerformance);
        Assert.Equal(new string?[] { "A", null, null, null, null, null, null }, records.Single().Values!);
    }

    [Fact]
    public void Duplicate_key_last_one_wins()
    {
        Assert.Equal("L1 C|∅|∅|∅|∅|∅|∅", Read("{\"campaign_id\":\"A\",\"campaign_id\":\"C\"}"));
        Assert.Equal("L1 ∅|∅|∅|∅|∅|∅|∅", Read("{\"campaign_id\":\"A\",\"campaign_id\":null}"));
        Assert.Equal("L1 2|∅|∅|∅|∅|∅|∅", Read("{\"campaign_id\":\"A\",\"campaign\\u005fid\":2}"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"campaign_id\":\"A\"}]")]
    [InlineData("\"campaign_id\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public void Valid_json_that_is_not_an_object_is_malformed(string line)
    {
        Assert.Equal("L1 malformed ; L2 A|∅|∅|∅|∅|∅|∅", Read(line + "\n{\"campaign_id\":\"A\"}"));
    }

    [Theory]
    [InlineData("{\"campaign_id\":\"A\",}")]
    [InlineData("{\"campaign_id\":\"A\"")]
    [InlineData("{'campaign_id':'A'}")]
    [InlineData("{campaign_id:\"A\"}")]
    [InlineData("{\"campaign_id\":\"A\"} {\"campaign_id\":\"B\"}")]
    [InlineData("{\"campaign_id\":\"A\"}x")]
    [InlineData("{\"campaign_id\":\"A\"} // comment")]
    [InlineData("{\"campaign_id\":007}")]
    [InlineData("{\"campaign_id\":+1}")]
    [InlineData("{\"campaign_id\":.5}")]
    [InlineData("{\"campaign_id\":NaN}")]
    [InlineData("{\"campaign_id\":\"tab\there\"}")]
    [InlineData("{\"campaign_id\":\"\\x41\"}")]
    [InlineData("{\"campaign_id\":\"\\ud800\"}")]
    [InlineData("{\"campaign\\ud800\":\"A\"}")]
    [InlineData("<EF><BB><BF>{\"campaign_id\":\"A\"}")]
    [InlineData("\"campaign_id\":\"A\"")]
    [InlineData("{")]
    [InlineData("}")]
    public void Line_that_is_not_valid_json_is_malformed(string line)
    {
        Assert.Equal("L1 A|∅|∅|∅|∅|∅|∅ ; L2 malformed ; L3 B|∅|∅|∅|∅|∅|∅", Read("{\"campaign_id\":\"A\"}\n" + line + "\n{\"campaign_id\":\"B\"}"));
    }

    [Theory]
    [InlineData("{\"campaign_id\":\"A<FF>\"}")]
    [InlineData("{\"campaign_id\":\"<ED><A0><80>\"}")]
    [InlineData("{\"campaign_id\":\"<C0><AF>\"}")]
    [InlineData("{\"foo\":\"<80>\"}")]
    [InlineData("{\"campaign_id\":<FF>")]
    [InlineData("<FF>")]
    [InlineData("  <E2><82>  ")]
    public void Invalid_utf8_in_a_line_is_invalid_encoding_before_json_is_looked_at(string line)
    {
        Assert.Equal("L1 A|∅|∅|∅|∅|∅|∅ ; L2 invalid_encoding ; L3 B|∅|∅|∅|∅|∅|∅", Read("{\"campaign_id\":\"A\"}\n" + line + "\n{\"campaign_id\":\"B\"}"));
    }

    [Theory]
    [InlineData("{\"campaign_id\":\"A\"}\n\n{\"campaign_id\":\"B\"}", "L1 A|∅|∅|∅|∅|∅|∅ ; L3 B|∅|∅|∅|∅|∅|∅")]
    [InlineData("\n  \n\t\n{\"campaign_id\":\"A\"}\n \t \n", "L4 A|∅|∅|∅|∅|∅|∅")]
    [InlineData("\u00a0\u3000\n\u2028\n{\"campaign_id\":\"A\"}", "L3 A|∅|∅|∅|∅|∅|∅")]
    [InlineData("{\"campaign_id\":\"A\"}\r\n\r\n{\"campaign_id\":\"B\"}\r\n", "L1 A|∅|∅|∅|∅|∅|∅ ; L3 B|∅|∅|∅|∅|∅|∅")]
    [InlineData("{\"campaign_id\":\"A\"}\r{\"campaign_id\":\"B\"}\r\r{\"campaign_id\":\"C\"}", "L1 A|∅|∅|∅|∅|∅|∅ ; L2 B|∅|∅|∅|∅|∅|∅ ; L4 C|∅|∅|∅|∅|∅|∅")]
    [InlineData("<EF><BB><BF>{\"campaign_id\":\"A\"}", "L1 A|∅|∅|∅|∅|∅|∅")]
    [InlineData("<EF><BB><BF>\n{\"campaign_id\":\"A\"}", "L2 A|∅|∅|∅|∅|∅|∅")]
    [InlineData("", "")]
    [InlineData("\n\n", "")]
    public void Blank_lines_are_ignored_but_counted_and_crlf_ends_one_line(string ndjson, string expected)
    {
        Assert.Equal(expected, Read(ndjson));
    }

    [Fact]
    public void Unknown_key_gives_one_warning_per_key_while_reading()
    {
        using var reader = Open(
            Bytes("{\"foo\":1,\"campaign_id\":\"A\"}\n{\"foo\":{\"x\":1},\"bar\":null}\n{\"foo\":2,\"Campaign_id\":\"B\"}"),
            FileName,
            EntitySchema.CampaignPerformance);

        Assert.Empty(reader.Warnings);
        var records = reader.ReadRecords().ToList();

        Assert.Equal("L1 A|∅|∅|∅|∅|∅|∅ ; L2 ∅|∅|∅|∅|∅|∅|∅ ; L3 ∅|∅|∅|∅|∅|∅|∅", Describe(records));
        Assert.Equal(
            [$"{FileName}: unknown key 'foo' ignored", $"{FileName}: unknown key 'bar' ignored", $"{FileName}: unknown key 'Campaign_id' ignored"],
            reader.Warnings);
    }

    [Fact]
    public void Unknown_key_of_a_malformed_line_gives_no_warning()
    {
        using var reader = Open(Bytes("{\"foo\":1,\n[{\"bar\":1}]\n{\"baz\":1}"), FileName, EntitySchema.CampaignPerformance);
        Assert.Equal("L1 malformed ; L2 malformed ; L3 ∅|∅|∅|∅|∅|∅|∅", Describe(reader.ReadRecords()));
        Assert.Equal([$"{FileName}: unknown key 'baz' ignored"], reader.Warnings);
    }

    [Fact]
    public void Unknown_key_warnings_are_capped_with_a_closing_warning()
    {
        var lines = string.Join("\n", Enumerable.Range(0, EntityFileReader.MaxUnknownKeyWarnings + 50).Select(i => $"{{\"k{i}\":1}}"));
        using var reader = Open(Bytes(lines), FileName, EntitySchema.CampaignPerformance);
        Assert.Equal(EntityFileReader.MaxUnknownKeyWarnings + 50, reader.ReadRecords().Count());
        Assert.Equal(EntityFileReader.MaxUnknownKeyWarnings + 1, reader.Warnings.Count);
        Assert.Contains("further ones are not listed", reader.Warnings[^1]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Result_does_not_depend_on_how_the_stream_delivers_bytes(int chunk)
    {
        const string ndjson = "<EF><BB><BF>{\"campaign_id\":\"A\"}\r\n\r\n [1]\r{\"campaign_id\":\"<FF>\"}\n{\"impressions\":1e3}";
        Assert.Equal("L1 A|∅|∅|∅|∅|∅|∅ ; L3 malformed ; L4 invalid_encoding ; L5 ∅|∅|∅|1e3|∅|∅|∅", Read(ndjson, chunk));
    }

    [Fact]
    public void Reader_takes_records_lazily_and_can_be_disposed_midway()
    {
        var reader = Open(Bytes("{}\n{}\n{}"), FileName, EntitySchema.CampaignPerformance);
        using var e = reader.ReadRecords().GetEnumerator();
        Assert.True(e.MoveNext());
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => e.MoveNext());
    }
}
