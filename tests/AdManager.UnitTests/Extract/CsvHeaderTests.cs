using System;
using System.Linq;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using Xunit;
using static AdManager.UnitTests.Extract.ExtractTestSupport;

namespace AdManager.UnitTests.Extract;

/// <summary>The CSV header: file-level errors, column mapping, unknown-column warnings.</summary>
public class CsvHeaderTests
{
    private const string FileName = "campaign_performance.csv";

    private static ExportFileException OpenFails(string csv)
    {
        var ex = Assert.Throws<ExportFileException>(() => Open(Bytes(csv), FileName, EntitySchema.CampaignPerformance).Dispose());
        Assert.StartsWith(FileName + ":", ex.Message);
        Assert.DoesNotContain("   at ", ex.Message);
        Assert.DoesNotContain(Environment.NewLine, ex.Message);
        return ex;
    }

    [Theory]
    [InlineData("campaign_id,merchant_id,date,impressions,clicks\nA,B,d,i,k", "'cost'")]
    [InlineData("merchant_id,date,impressions,clicks\nB,d,i,k", "'campaign_id', 'cost'")]
    [InlineData("Campaign_Id,merchant_id,date,impressions,clicks,cost\nA,B,d,i,k,c", "'campaign_id'")]
    [InlineData("campaign_id;merchant_id;date;impressions;clicks;cost\nA;B;d;i;k;c", "'campaign_id', 'merchant_id', 'date', 'impressions', 'clicks', 'cost'")]
    public void Missing_required_column_fails_the_file_and_names_the_columns(string csv, string named)
    {
        var ex = OpenFails(csv);
        Assert.Contains("required column", ex.Message);
        Assert.Contains(named, ex.Message);
    }

    [Theory]
    [InlineData("campaign_id,merchant_id,date,impressions,clicks,cost,campaign_id", "'campaign_id'")]
    [InlineData("campaign_id,merchant_id,date,impressions,clicks,cost, cost ", "'cost'")]
    [InlineData("conversions,campaign_id,merchant_id,date,impressions,clicks,cost,conversions", "'conversions'")]
    public void Duplicate_known_column_fails_the_file(string csv, string named)
    {
        var ex = OpenFails(csv);
        Assert.Contains("more than once", ex.Message);
        Assert.Contains(named, ex.Message);
    }

    [Theory]
    [InlineData("campaign_id,merchant_id,date,impressions,clicks,cost,foo,foo\nA,B,d,i,k,c,x,y", "foo")]
    [InlineData("campaign_id,merchant_id,date,impressions,clicks,cost,,\nA,B,d,i,k,c,,", "")]
    public void Duplicate_unknown_column_is_ignored_and_listed_once(string csv, string name)
    {
        using var reader = Open(Bytes(csv), FileName, EntitySchema.CampaignPerformance);

        Assert.Equal([$"{FileName}: unknown column '{name}' ignored"], reader.Warnings);
        Assert.Equal("L2 A|B|d|i|k|c|∅", Describe(reader.ReadRecords()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<EF><BB><BF>")]
    [InlineData("\n\r\n\r")]
    public void Empty_file_fails_because_the_header_is_missing(string csv)
    {
        var ex = OpenFails(csv);
        Assert.Contains("empty", ex.Message);
    }

    [Theory]
    [InlineData("campaign_id,merchant_<FF>id,date,impressions,clicks,cost\nA,B,d,i,k,c", "not valid UTF-8")]
    [InlineData("<EF><BB>campaign_id,merchant_id,date,impressions,clicks,cost\nA,B,d,i,k,c", "not valid UTF-8")]
    [InlineData("\"campaign_id,merchant_id,date,impressions,clicks,cost\nA,B,d,i,k,c", "never closed")]
    [InlineData("campaign_id\",merchant_id,date,impressions,clicks,cost\nA,B,d,i,k,c", "malformed")]
    [InlineData("\"campaign_id\"x,merchant_id,date,impressions,clicks,cost\nA,B,d,i,k,c", "malformed")]
    public void Malformed_or_non_utf8_header_fails_the_file(string csv, string reason)
    {
        var ex = OpenFails(csv);
        Assert.Contains("header (line 1)", ex.Message);
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void Header_after_leading_empty_lines_is_found_and_lines_stay_physical()
    {
        Assert.Equal("L4 A|B|d|i|k|c|∅", DescribePerfCsv("\n\r\n" + PerfHeader + "\nA,B,d,i,k,c"));
        var ex = OpenFails("\n\n\"campaign_id");
        Assert.Contains("header (line 3)", ex.Message);
    }

    [Fact]
    public void Unknown_column_gives_one_warning_and_its_values_are_ignored()
    {
        using var reader = Open(
            Bytes("foo,campaign_id,merchant_id,date,impressions,clicks,cost,Bar\nx,A,B,d,i,k,c,y\nx2,E,F,d,i,k,c,y2"),
            FileName,
            EntitySchema.CampaignPerformance);

        Assert.Equal(
            [$"{FileName}: unknown column 'foo' ignored", $"{FileName}: unknown column 'Bar' ignored"],
            reader.Warnings);
        Assert.Equal("L2 A|B|d|i|k|c|∅ ; L3 E|F|d|i|k|c|∅", Describe(reader.ReadRecords()));
        Assert.Equal(2, reader.Warnings.Count);
    }

    [Fact]
    public void Columns_in_any_order_map_to_schema_positions()
    {
        var csv = "cost,conversions,clicks,impressions,date,merchant_id,campaign_id\n6,7,5,4,3,2,1";
        Assert.Equal("L2 1|2|3|4|5|6|7", DescribePerfCsv(csv));
    }

    [Theory]
    [InlineData(" campaign_id ,\tmerchant_id\t,\u00a0date\u3000,\"  impressions\",clicks\u2003,\" cost\r\n\"", 3)]
    [InlineData("\"campaign_id\",\"merchant_id\",\"date\",\"impressions\",\"clicks\",\"cost\"", 2)]
    public void Header_names_are_trimmed_and_may_be_quoted(string header, int dataLine)
    {
        Assert.Equal($"L{dataLine} A|B|d|i|k|c|∅", DescribePerfCsv(header + "\nA,B,d,i,k,c"));
    }

    [Fact]
    public void Header_names_are_case_sensitive()
    {
        using var reader = Open(
            Bytes(PerfHeader + ",Conversions\nA,B,d,i,k,c,7"),
            FileName,
            EntitySchema.CampaignPerformance);

        Assert.Equal([$"{FileName}: unknown column 'Conversions' ignored"], reader.Warnings);
        Assert.Equal("L2 A|B|d|i|k|c|∅", Describe(reader.ReadRecords()));
    }

    [Fact]
    public void Warning_shows_control_characters_escaped()
    {
        using var reader = Open(Bytes(PerfHeader + ",\"a\u0001b\"\nA,B,d,i,k,c,x"), FileName, EntitySchema.CampaignPerformance);
        Assert.Equal([$"{FileName}: unknown column 'a\\u0001b' ignored"], reader.Warnings);
    }

    [Fact]
    public void Header_with_too_many_columns_fails_the_file()
    {
        var header = PerfHeader + string.Concat(Enumerable.Range(0, EntityFileReader.MaxHeaderColumns).Select(i => $",x{i}"));
        var ex = OpenFails(header + "\n");
        Assert.Contains("columns", ex.Message);
    }

    [Fact]
    public void Unsupported_file_name_fails_before_reading()
    {
        var ex = Assert.Throws<ExportFileException>(
            () => Open(Bytes(PerfHeader), "campaign_performance.CSV", EntitySchema.CampaignPerformance));
        Assert.Contains("campaign_performance.CSV", ex.Message);
        Assert.Contains("unsupported file type", ex.Message);
    }
}
