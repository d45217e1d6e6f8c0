using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using static AdManager.UnitTests.Extract.ExtractTestSupport;

namespace AdManager.UnitTests.Extract;

/// <summary>What the reader says about a record it rejects: where the problem is, and the values still readable.</summary>
public sealed class ProblemDetailTests
{
    private const string Header = "campaign_id,merchant_id,campaign_name,status,daily_budget,currency,start_date,last_modified\n";

    private static SourceRecord ReadOne(string text, string fileName = "campaigns.csv") =>
        Assert.Single(ReadAll(Bytes(text), fileName, EntitySchema.Campaigns));

    [Theory]
    [InlineData("c1,m1,Sale,active\n", "4 fields, but the header has 8")]
    [InlineData("c1,m1,Sale,active,1,USD,2024-03-01,2024-03-01Z,extra\n", "9 fields, but the header has 8")]
    [InlineData("c1,m1,Sa\"le,active,1,USD,2024-03-01,x\n", "a quote inside the unquoted field 3 ('campaign_name')")]
    [InlineData("c1,\"m1\"x,Sale,active,1,USD,2024-03-01,x\n", "text after the closing quote of field 2 ('merchant_id')")]
    [InlineData("c1,m1,\"Sale,active\n", "field 3 ('campaign_name') opens a quote that is never closed, so the record runs to the end of the file")]
    public void Malformed_csv_record_says_what_is_broken_and_where(string row, string detail)
    {
        var record = ReadOne(Header + row);

        Assert.Equal((RecordProblem.MalformedRow, detail), (record.Problem, record.Detail));
        Assert.Null(record.Readable);
    }

    [Theory]
    [InlineData("[1,2]", "a JSON array, not an object")]
    [InlineData("\"text\"", "a JSON string, not an object")]
    [InlineData("{\"campaign_id\":\"c1\"", "not valid JSON at byte 19 of the line")]
    [InlineData("not json", "not valid JSON at byte 1 of the line")]
    [InlineData("{\"campaign_id\":\"\\ud800\"}", "an unpaired surrogate")]
    public void Malformed_ndjson_line_says_why_it_is_no_json_object(string line, string detail)
    {
        var record = ReadOne(line + "\n", "campaigns.ndjson");

        Assert.Equal(RecordProblem.MalformedRow, record.Problem);
        Assert.Contains(detail, record.Detail);
    }

    [Fact]
    public void Invalid_utf8_in_csv_names_the_byte_and_the_column_and_keeps_the_readable_values()
    {
        var record = ReadOne(Header + "c1,m1,Sa<FF>le,active,1,USD,2024-03-01,x\n");

        Assert.Equal(RecordProblem.InvalidEncoding, record.Problem);
        Assert.Equal("the record's bytes are not valid UTF-8: byte 0xFF at offset 8 of the record, in column 'campaign_name'", record.Detail);
        Assert.Null(record.Values);
        Assert.Equal(new string?[] { "c1", "m1", null, "active", "1", "USD", "2024-03-01", null, null, "x" }, record.Readable);
    }

    [Fact]
    public void Invalid_utf8_in_a_malformed_csv_record_has_no_readable_values()
    {
        var record = ReadOne(Header + "c1,m1,Sa<C3>le,active\n");

        Assert.Equal(RecordProblem.InvalidEncoding, record.Problem);
        Assert.Equal("the record's bytes are not valid UTF-8: byte 0xC3 at offset 8 of the record", record.Detail);
        Assert.Null(record.Readable);
    }

    [Fact]
    public void Invalid_utf8_in_an_ndjson_string_names_the_key_and_keeps_the_readable_values()
    {
        var record = ReadOne("{\"campaign_id\": \"c1\", \"campaign_name\": \"Sa<ED><A0><80>le\", \"status\": 1, \"notes\": \"x\"}\n", "campaigns.ndjson");

        Assert.Equal(RecordProblem.InvalidEncoding, record.Problem);
        Assert.Equal("the line's bytes are not valid UTF-8: byte 0xED at offset 42 of the line, in the value of 'campaign_name'", record.Detail);
        Assert.Equal(new string?[] { "c1", null, null, "1", null, null, null, null, null, null }, record.Readable);
    }

    [Fact]
    public void Invalid_utf8_outside_any_ndjson_string_has_no_readable_values()
    {
        var record = ReadOne("{\"campaign_id\": \"c1\"}<FF>\n", "campaigns.ndjson");

        Assert.Equal(RecordProblem.InvalidEncoding, record.Problem);
        Assert.Equal("the line's bytes are not valid UTF-8: byte 0xFF at offset 21 of the line", record.Detail);
        Assert.Null(record.Readable);
    }
}
