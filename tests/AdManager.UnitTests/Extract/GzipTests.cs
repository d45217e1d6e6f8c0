using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using Xunit;
using static AdManager.UnitTests.Extract.ExtractTestSupport;

namespace AdManager.UnitTests.Extract;

/// <summary>Gzip-compressed entity files: same records as plain ones, and every damaged file fails clearly.</summary>
[Collection(MemoryMeasuringTests.Name)]
public class GzipTests
{
    private static readonly byte[] Csv = Bytes(
        "<EF><BB><BF>" + PerfHeader + ",extra\r\n" +
        string.Concat(Enumerable.Range(0, 300).Select(i => $"c{i},m{i % 7},2024-01-{i % 28 + 1:00},{i * 10},{i},\"{i}.5\",x\r\n")) +
        "\"multi\nline\",m,d,i,k,c,x\n<FF>,m,d,i,k,c,x\nbad\"quote,m,d,i,k,c,x\n\"unclosed,m,d,i,k,c,x\n");

    private static readonly byte[] Ndjson = Bytes(
        string.Concat(Enumerable.Range(0, 300).Select(i => $"{{\"campaign_id\":\"c{i}\",\"impressions\":{i}e1,\"foo\":{i}}}\n")) +
        "\n[1]\n{\"campaign_id\":\"<FF>\"}\n");

    public static TheoryData<string> Formats => new() { "csv", "ndjson" };

    private static byte[] Plain(string format) => format == "csv" ? Csv : Ndjson;

    private static string FileName(string format) => $"campaign_performance.{format}";

    private static (string Records, string Warnings) ReadFile(string path)
    {
        using var reader = EntityFileReader.Open(path, EntitySchema.CampaignPerformance);
        var records = Describe(reader.ReadRecords());
        return (records, string.Join("\n", reader.Warnings));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Plain_and_gzip_files_give_the_same_records_and_warnings(string format)
    {
        using var dir = new TempDir();
        var plain = ReadFile(dir.Write(FileName(format), Plain(format)));
        var gz = ReadFile(dir.Write(FileName(format) + ".gz", Gzip(Plain(format))));

        Assert.Equal(plain.Records, gz.Records.Replace(FileName(format) + ".gz", FileName(format)));
        Assert.Equal(plain.Warnings, gz.Warnings.Replace(FileName(format) + ".gz", FileName(format)));
        Assert.Contains("invalid_encoding", plain.Records);
        Assert.Contains("malformed", plain.Records);
        Assert.StartsWith(FileName(format) + ".gz: unknown", gz.Warnings);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Multi_member_gzip_reads_like_one_stream(string format)
    {
        var data = Plain(format);
        var expected = Describe(ReadAll(data, FileName(format), EntitySchema.CampaignPerformance));
        var multi = GzipMembers(data, 1, 100, 101, data.Length / 2, data.Length - 1);

        Assert.Equal(expected, Describe(ReadAll(multi, FileName(format) + ".gz", EntitySchema.CampaignPerformance)));
        Assert.Equal(expected, Describe(ReadAll(multi, FileName(format) + ".gz", EntitySchema.CampaignPerformance, chunk: 3)));
    }

    [Fact]
    public void Empty_members_and_uncompressed_blocks_are_fine()
    {
        var data = Csv;
        var expected = Describe(ReadAll(data, "campaign_performance.csv", EntitySchema.CampaignPerformance));
        var gz = EmptyGzipMember.Concat(Gzip(data, CompressionLevel.NoCompression)).Concat(EmptyGzipMember).ToArray();

        Assert.Equal("", Describe(ReadAll(EmptyGzipMember, "campaign_performance.ndjson.gz", EntitySchema.CampaignPerformance)));

        Assert.Equal(expected, Describe(ReadAll(gz, "campaign_performance.csv.gz", EntitySchema.CampaignPerformance)));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Gzip_truncated_anywhere_fails_with_unreadable_gzip(string format)
    {
        var gz = Gzip(Plain(format));
        var name = FileName(format) + ".gz";
        var cuts = Enumerable.Range(0, 40).Concat(Enumerable.Range(gz.Length - 40, 40)).Concat(Enumerable.Range(1, 30).Select(i => gz.Length * i / 31));
        foreach (var cut in cuts.Distinct())
        {
            var ex = Assert.Throws<ExportFileException>(() => ReadAll(gz[..cut], name, EntitySchema.CampaignPerformance));
            Assert.StartsWith(name + ": unreadable gzip", ex.Message);
        }
    }

    [Fact]
    public void Multi_member_gzip_truncated_inside_a_member_fails_but_at_a_member_boundary_is_a_shorter_file()
    {
        var first = Gzip(Csv[..500]);
        var second = Gzip(Csv[500..]);
        var both = first.Concat(second).ToArray();

        var shorter = ReadAll(both[..first.Length], "campaign_performance.csv.gz", EntitySchema.CampaignPerformance);
        Assert.Equal(Describe(ReadAll(Csv[..500], "campaign_performance.csv", EntitySchema.CampaignPerformance)), Describe(shorter));

        foreach (var cut in Enumerable.Range(first.Length + 1, second.Length - 1))
        {
            Assert.Throws<ExportFileException>(() => ReadAll(both[..cut], "campaign_performance.csv.gz", EntitySchema.CampaignPerformance));
        }
    }

    [Theory]
    [InlineData(-8)] // CRC-32
    [InlineData(-6)]
    [InlineData(-4)] // ISIZE
    [InlineData(-1)]
    [InlineData(20)] // compressed data
    [InlineData(200)]
    [InlineData(-300)]
    [InlineData(0)] // magic
    [InlineData(2)] // compression method
    public void Gzip_with_a_damaged_byte_fails_with_unreadable_gzip(int position)
    {
        var gz = Gzip(Csv);
        var index = position < 0 ? gz.Length + position : position;
        gz[index] ^= 0x5A;

        var ex = Assert.Throws<ExportFileException>(() => ReadAll(gz, "campaign_performance.csv.gz", EntitySchema.CampaignPerformance));
        Assert.StartsWith("campaign_performance.csv.gz: unreadable gzip", ex.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0x1F })]
    [InlineData(new byte[] { 0x1F, 0x8B })]
    public void Data_after_the_last_gzip_member_fails_instead_of_being_ignored(byte[] trailing)
    {
        var gz = Gzip(Csv).Concat(trailing).ToArray();
        var ex = Assert.Throws<ExportFileException>(() => ReadAll(gz, "campaign_performance.csv.gz", EntitySchema.CampaignPerformance));
        Assert.StartsWith("campaign_performance.csv.gz: unreadable gzip", ex.Message);
    }

    [Theory]
    [InlineData("campaign_performance.csv.gz")]
    [InlineData("campaign_performance.ndjson.gz")]
    public void File_that_is_not_gzip_or_empty_fails_with_unreadable_gzip(string name)
    {
        foreach (var data in new[] { Csv, Ndjson, [], Bytes("{}\n") })
        {
            var ex = Assert.Throws<ExportFileException>(() => ReadAll(data, name, EntitySchema.CampaignPerformance));
            Assert.StartsWith(name + ": unreadable gzip", ex.Message);
        }
    }

    [Fact]
    public void Corrupt_gzip_file_on_disk_fails_with_a_message_naming_the_file()
    {
        using var dir = new TempDir();
        var gz = Gzip(Csv);
        var path = dir.Write("campaign_performance.csv.gz", gz[..(gz.Length * 2 / 3)]);

        var ex = Assert.Throws<ExportFileException>(() => ReadFile(path));
        Assert.StartsWith("campaign_performance.csv.gz: unreadable gzip data", ex.Message);
        Assert.DoesNotContain(Environment.NewLine, ex.Message);
        Assert.DoesNotContain("   at ", ex.Message);
    }

    [Fact]
    public void Gzip_error_in_the_header_is_thrown_by_open_and_later_ones_while_reading()
    {
        var gz = Gzip(Csv);
        Assert.Throws<ExportFileException>(() => Open(gz[..15], "campaign_performance.csv.gz", EntitySchema.CampaignPerformance));

        using var reader = Open(gz[..(gz.Length - 100)], "campaign_performance.csv.gz", EntitySchema.CampaignPerformance);
        var seen = new List<SourceRecord>();
        var ex = Assert.Throws<ExportFileException>(() =>
        {
            foreach (var record in reader.ReadRecords())
            {
                seen.Add(record);
            }
        });
        Assert.NotEmpty(seen);
        Assert.Contains("unreadable gzip", ex.Message);
    }

    [Fact]
    public void Missing_file_fails_with_a_message_naming_the_file()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<ExportFileException>(
            () => EntityFileReader.Open(Path.Combine(dir.Path, "campaigns.csv"), EntitySchema.Campaigns));
        Assert.StartsWith("campaigns.csv: cannot be opened", ex.Message);
    }

    [Fact]
    public void Large_gzip_file_streams_with_flat_memory()
    {
        // ~39 MB of CSV, compressed in memory.
        var row = Encoding.UTF8.GetBytes("c1234567,m1234,2024-01-01,1000000,1000,12.345678\n");
        const int rows = 800_000;
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(Encoding.UTF8.GetBytes(PerfHeader + "\n"));
            for (var i = 0; i < rows; i++)
            {
                gz.Write(row);
            }
        }

        ms.Position = 0;
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        using var reader = EntityFileReader.Open(ms, "campaign_performance.csv.gz", EntitySchema.CampaignPerformance);
        long count = 0;
        long lastLine = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        long maxHeap = 0;
        foreach (var record in reader.ReadRecords())
        {
            if (record.Problem != RecordProblem.None)
            {
                Assert.Fail($"line {record.Line}: {record.Problem}");
            }

            lastLine = record.Line;
            if (++count % 200_000 == 0)
            {
                maxHeap = Math.Max(maxHeap, GC.GetTotalMemory(forceFullCollection: true));
            }
        }

        Assert.Equal(rows, count);
        Assert.Equal(rows + 1, lastLine);
        var perRow = (GC.GetAllocatedBytesForCurrentThread() - before) / rows;
        Assert.True(perRow < 400, $"allocations per row stay small: {perRow}");
        // The decompressed data is ~39 MB: holding it would break this bound.
        Assert.True(maxHeap - baseline < 24 * 1024 * 1024, $"heap grew by {maxHeap - baseline} bytes");
    }
}
