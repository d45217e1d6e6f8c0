using System;
using System.Linq;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using Xunit;
using static AdManager.UnitTests.Extract.ExtractTestSupport;

namespace AdManager.UnitTests.Extract;

/// <summary>CSV record structure (RFC 4180 with the spec's precise points), line numbers and values.</summary>
public class CsvStructureTests
{
    private const string H = PerfHeader;

    [Theory]
    // Plain rows, LF / CRLF / CR line ends, no final line break.
    [InlineData(H + "\nA,B,d,i,k,c\n", "L2 A|B|d|i|k|c|∅")]
    [InlineData(H + "\nA,B,d,i,k,c", "L2 A|B|d|i|k|c|∅")]
    [InlineData(H + "\r\nA,B,d,i,k,c\r\nE,F,d,i,k,c\r\n", "L2 A|B|d|i|k|c|∅ ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\rA,B,d,i,k,c\rE,F,d,i,k,c\r", "L2 A|B|d|i|k|c|∅ ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\nA,B,d,i,k,c\r\nE,F,d,i,k,c\rG,H,d,i,k,c\n", "L2 A|B|d|i|k|c|∅ ; L3 E|F|d|i|k|c|∅ ; L4 G|H|d|i|k|c|∅")]
    // Header only: no records.
    [InlineData(H, "")]
    [InlineData(H + "\r\n", "")]
    // Values are handed over untrimmed; empty fields are empty strings.
    [InlineData(H + "\n a , B\t,d,i,k,c", "L2  a | B\t|d|i|k|c|∅")]
    [InlineData(H + "\n,,,,,", "L2 ||||||∅")]
    [InlineData(H + "\n\"\",\"\",\"\",\"\",\"\",\"\"", "L2 ||||||∅")]
    // Quoting: commas, doubled quotes, a field of one quote, quotes at both ends of the record.
    [InlineData(H + "\n\"A,1\",B,d,i,k,c", "L2 A,1|B|d|i|k|c|∅")]
    [InlineData(H + "\n\"say \"\"hi\"\"\",B,d,i,k,c", "L2 say \"hi\"|B|d|i|k|c|∅")]
    [InlineData(H + "\n\"\"\"\",B,d,i,k,c", "L2 \"|B|d|i|k|c|∅")]
    [InlineData(H + "\n\"A\",B,d,i,k,\"c\"", "L2 A|B|d|i|k|c|∅")]
    [InlineData(H + "\nA,B,d,i,k,\"c\"\n", "L2 A|B|d|i|k|c|∅")]
    [InlineData(H + "\nA,B,d,i,k,\"c,\"\"\"\"\"", "L2 A|B|d|i|k|c,\"\"|∅")]
    // Empty lines (zero characters) are skipped but count as physical lines.
    [InlineData(H + "\n\nA,B,d,i,k,c\n\n\nE,F,d,i,k,c\n\n", "L3 A|B|d|i|k|c|∅ ; L6 E|F|d|i|k|c|∅")]
    [InlineData(H + "\r\n\r\n\r\nA,B,d,i,k,c", "L4 A|B|d|i|k|c|∅")]
    [InlineData(H + "\r\rA,B,d,i,k,c", "L3 A|B|d|i|k|c|∅")]
    [InlineData(H + "\n\r\n\rA,B,d,i,k,c", "L4 A|B|d|i|k|c|∅")]
    // A line of spaces is not empty: one field, so a field count mismatch.
    [InlineData(H + "\n \nA,B,d,i,k,c", "L2 malformed ; L3 A|B|d|i|k|c|∅")]
    public void Records_are_read_with_their_start_line_and_raw_values(string csv, string expected)
    {
        Assert.Equal(expected, DescribePerfCsv(csv));
    }

    [Theory]
    [InlineData(H + "\n\"a\nb\",B,d,i,k,c\nE,F,d,i,k,c", "L2 a\nb|B|d|i|k|c|∅ ; L4 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n\"a\r\nb\",B,d,i,k,c\nE,F,d,i,k,c", "L2 a\r\nb|B|d|i|k|c|∅ ; L4 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n\"a\rb\",B,d,i,k,c\nE,F,d,i,k,c", "L2 a\rb|B|d|i|k|c|∅ ; L4 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n\"a\n\r\n\rb\",B,d,i,k,c\nE,F,d,i,k,c", "L2 a\n\r\n\rb|B|d|i|k|c|∅ ; L6 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n\"\n\n\",B,d,i,k,\"\r\n\"\r\nE,F,d,i,k,c", "L2 \n\n|B|d|i|k|\r\n|∅ ; L6 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n\"a\r\",B,d,i,k,c\r\nE,F,d,i,k,c", "L2 a\r|B|d|i|k|c|∅ ; L4 E|F|d|i|k|c|∅")]
    public void Quoted_field_with_line_break_keeps_start_line(string csv, string expected)
    {
        Assert.Equal(expected, DescribePerfCsv(csv));
    }

    [Theory]
    // Wrong number of fields, including a trailing comma and a lone comma.
    [InlineData(H + "\nA,B,d,i,k\nE,F,d,i,k,c", "L2 malformed ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\nA,B,d,i,k,c,\nE,F,d,i,k,c", "L2 malformed ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n,\nE,F,d,i,k,c", "L2 malformed ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\nA\n\"a\nb\",B,d,i,k\nE,F,d,i,k,c", "L2 malformed ; L3 malformed ; L5 E|F|d|i|k|c|∅")]
    public void Record_with_other_field_count_than_header_is_malformed(string csv, string expected)
    {
        Assert.Equal(expected, DescribePerfCsv(csv));
    }

    [Theory]
    // A quote inside an unquoted field: malformed, the record ends at its line break whatever quotes follow.
    [InlineData(H + "\nA\"x,B,d,i,k,c\nE,F,d,i,k,c", "L2 malformed ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\nA,B\",d,i,k,c\nE,F,d,i,k,c", "L2 malformed ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\nA,B,d,i,k,c\"\r\nE,F,d,i,k,c", "L2 malformed ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n A\",\"x\ny\",d,i,k,c\nE,F,d,i,k,c", "L2 malformed ; L3 malformed ; L4 E|F|d|i|k|c|∅")]
    [InlineData(H + "\nA\"", "L2 malformed")]
    public void Quote_inside_unquoted_field_makes_record_malformed_until_line_break(string csv, string expected)
    {
        Assert.Equal(expected, DescribePerfCsv(csv));
    }

    [Theory]
    [InlineData(H + "\n\"A\"x,B,d,i,k,c\nE,F,d,i,k,c", "L2 malformed ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n\"A\" ,B,d,i,k,c\nE,F,d,i,k,c", "L2 malformed ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n\"A\"\"\"\"x\",B,d,i,k,c\nE,F,d,i,k,c", "L2 A\"\"x|B|d|i|k|c|∅ ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n\"A\"\"\" x,B,d,i,k,c\nE,F,d,i,k,c", "L2 malformed ; L3 E|F|d|i|k|c|∅")]
    [InlineData(H + "\n\"a\nb\"x,B,d,i,k,c\nE,F,d,i,k,c", "L2 malformed ; L4 E|F|d|i|k|c|∅")]
    [InlineData(H + "\nA,B,d,i,k,\"c\"x", "L2 malformed")]
    public void Text_after_closing_quote_makes_record_malformed_until_line_break(string csv, string expected)
    {
        Assert.Equal(expected, DescribePerfCsv(csv));
    }

    [Theory]
    [InlineData(H + "\nA,B,d,i,k,c\n\"E,F,d,i,k,c\nG,H,d,i,k,c\n\nI,J,d,i,k,c\n", "L2 A|B|d|i|k|c|∅ ; L3 malformed")]
    [InlineData(H + "\nA,B,d,i,k,\"c", "L2 malformed")]
    [InlineData(H + "\nA,B,d,i,k,\"c\"\"", "L2 malformed")]
    [InlineData(H + "\nA,B,d,i,k,\"", "L2 malformed")]
    [InlineData(H + "\nA,B,d,i,k,\"c\"\"\n\r\n", "L2 malformed")]
    [InlineData(H + "\n\n\n\"", "L4 malformed")]
    public void Quoted_field_never_closed_makes_the_rest_of_the_file_one_malformed_record(string csv, string expected)
    {
        Assert.Equal(expected, DescribePerfCsv(csv));
    }

    [Theory]
    [InlineData("<EF><BB><BF>" + H + "\nA,B,d,i,k,c", "L2 A|B|d|i|k|c|∅")]
    [InlineData("<EF><BB><BF>\n" + H + "\nA,B,d,i,k,c", "L3 A|B|d|i|k|c|∅")]
    [InlineData(H + "\n<EF><BB><BF>A,B,d,i,k,c", "L2 \uFEFFA|B|d|i|k|c|∅")]
    [InlineData(H + "\nA,B,d,i,k,c<EF><BB><BF>", "L2 A|B|d|i|k|c\uFEFF|∅")]
    [InlineData(H + "\n<EF><BB><BF>\"A\",B,d,i,k,c", "L2 malformed")]
    public void Bom_is_skipped_only_at_the_very_start_of_the_file(string csv, string expected)
    {
        Assert.Equal(expected, DescribePerfCsv(csv));
    }

    [Fact]
    public void Bom_twice_at_start_leaves_the_second_in_the_first_header_name()
    {
        var ex = Assert.Throws<ExportFileException>(() => DescribePerfCsv("<EF><BB><BF><EF><BB><BF>" + H + "\nA,B,d,i,k,c"));
        Assert.Contains("'campaign_id'", ex.Message);
    }

    [Theory]
    [InlineData(H + "\nA<00><01><7F>,B,d,i,k,c", "L2 A<00><01><7F>|B|d|i|k|c|∅")]
    [InlineData(H + "\n\u00e9\u00e8,\U0001F600,d,i,k,\uFFFD", "L2 \u00e9\u00e8|\U0001F600|d|i|k|\uFFFD|∅")]
    [InlineData(H + "\nA\u2028B,\u0085,d,i,k,c", "L2 A\u2028B|\u0085|d|i|k|c|∅")]
    public void Unusual_but_valid_characters_are_data(string csv, string expected)
    {
        // Control characters are written as <XX> in the expectation too (test names must stay printable).
        Assert.Equal(System.Text.Encoding.UTF8.GetString(Bytes(expected)), DescribePerfCsv(csv));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Result_does_not_depend_on_how_the_stream_delivers_bytes(int chunk)
    {
        const string csv = "<EF><BB><BF>" + H + "\r\n\"a\r\nb\",\"x\"\"y\",d,i,k,c\r\n\r\nA\"x,B,d,i,k,c\r\n<FF>,B,d,i,k,c\r\nE,F,d,i,k,\"c";
        Assert.Equal(DescribePerfCsv(csv), DescribePerfCsv(csv, chunk));
        Assert.Equal("L2 a\r\nb|x\"y|d|i|k|c|∅ ; L5 malformed ; L6 invalid_encoding ; L7 malformed", DescribePerfCsv(csv, chunk));
    }

    [Fact]
    public void Optional_column_present_in_header_gives_its_text_and_absent_gives_null()
    {
        var records = ReadAll(
            Bytes("conversions," + H + "\n,A,B,d,i,k,c\n7,A,B,d,i,k,c"),
            "campaign_performance.csv",
            EntitySchema.CampaignPerformance);

        Assert.Equal("L2 A|B|d|i|k|c| ; L3 A|B|d|i|k|c|7", Describe(records));
    }

    [Fact]
    public void Each_record_gets_its_own_values_array()
    {
        var records = ReadAll(Bytes(H + "\nA,B,d,i,k,c\nE,F,d,i,k,c"), "campaign_performance.csv", EntitySchema.CampaignPerformance);

        Assert.Equal(2, records.Count);
        Assert.NotSame(records[0].Values, records[1].Values);
        Assert.Equal("A", records[0].Values![0]);
        Assert.All(records, r => Assert.Equal(EntitySchema.CampaignPerformance.Columns.Count, r.Values!.Length));
    }

    [Fact]
    public void Records_can_be_enumerated_only_once()
    {
        using var reader = Open(Bytes(H + "\nA,B,d,i,k,c"), "campaign_performance.csv", EntitySchema.CampaignPerformance);
        Assert.Single(reader.ReadRecords().ToList());
        Assert.Throws<InvalidOperationException>(() => reader.ReadRecords());
    }
}
