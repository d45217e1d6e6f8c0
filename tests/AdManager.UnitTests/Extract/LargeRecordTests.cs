using System;
using System.IO;
using System.Linq;
using System.Text;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using Xunit;
using static AdManager.UnitTests.Extract.ExtractTestSupport;

namespace AdManager.UnitTests.Extract;

/// <summary>Records longer than the buffer or the record size limit: never truncated silently, memory stays bounded.</summary>
[Collection(MemoryMeasuringTests.Name)]
public class LargeRecordTests
{
    private const string H = PerfHeader;
    private const string Long = "----------------------------------------------------------------------";

    [Fact]
    public void Large_quoted_field_is_read_whole()
    {
        var big = string.Concat(Enumerable.Repeat("l\u00e9ne \"\"x\"\", \u20ac\U0001F600\r\n", 200_000));
        var csv = H + "\n\"" + big + "\",B,d,i,k,c\nE,F,d,i,k,c";

        var records = ReadAll(Encoding.UTF8.GetBytes(csv), "campaign_performance.csv", EntitySchema.CampaignPerformance);

        Assert.Equal(2, records.Count);
        Assert.Equal(big.Replace("\"\"", "\""), records[0].Values![0]);
        Assert.Equal(3 + 200_000, records[1].Line);
    }

    [Theory]
    [InlineData(5, null)]
    [InlineData(6, 1)]
    [InlineData(7, 2)]
    [InlineData(9, 3)]
    [InlineData(12, 7)]
    [InlineData(64, 5)]
    public void Multibyte_characters_across_the_size_limit_stay_valid_utf8(int max, int? chunk)
    {
        var text = string.Concat(Enumerable.Repeat("\u00e9\u20ac\U0001F600a\n", 50));
        var unclosed = Encoding.UTF8.GetBytes(H + "\nA,B,d,i,k,c\n\"" + text);
        var withBadByte = unclosed.Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes(text)).ToArray();
        var split = unclosed[..^3];

        Assert.Equal("L2 A|B|d|i|k|c|∅ ; L3 malformed", Describe(ReadAll(unclosed, "campaign_performance.csv", EntitySchema.CampaignPerformance, max + H.Length, chunk)));
        Assert.Equal("L2 A|B|d|i|k|c|∅ ; L3 invalid_encoding", Describe(ReadAll(withBadByte, "campaign_performance.csv", EntitySchema.CampaignPerformance, max + H.Length, chunk)));
        Assert.Equal("L2 A|B|d|i|k|c|∅ ; L3 invalid_encoding", Describe(ReadAll(split, "campaign_performance.csv", EntitySchema.CampaignPerformance, max + H.Length, chunk)));
    }

    [Fact]
    public void Unclosed_quote_to_the_end_of_a_large_file_is_one_record_in_bounded_memory()
    {
        // ~48 MB after the stray quote; the limit keeps at most 1 MB of it.
        var line = Encoding.UTF8.GetBytes("c1,m1,2024-01-01,10,5,1.5 \u00e9\u20ac\U0001F600 more text to fill the line\n");
        var stream = new RepeatingStream(Encoding.UTF8.GetBytes(H + "\nA,B,d,i,k,c\n\"stray"), line, 48_000_000 / line.Length);

        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var reader = EntityFileReader.Open(stream, "campaign_performance.csv", EntitySchema.CampaignPerformance, 1 << 20);
        var records = reader.ReadRecords().ToList();
        var after = GC.GetTotalMemory(forceFullCollection: false);

        Assert.Equal("L2 A|B|d|i|k|c|∅ ; L3 malformed", Describe(records));
        Assert.True(after - before < 16 << 20, $"memory grew by {after - before} bytes");
    }

    [Theory]
    [InlineData("campaign_performance.csv", H + "\nA,B,d,i,k,c\n", "E,F,d,i,k,cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", 3)]
    [InlineData("campaign_performance.csv", H + "\nA,B,d,i,k,c\n\n", "\"E\nx\",F,d,i,k,cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", 4)]
    [InlineData("campaign_performance.ndjson", "{}\n", "{\"campaign_id\":\"E\"}", 2)]
    public void Valid_record_longer_than_the_limit_fails_the_file_instead_of_being_cut(string file, string before, string record, int line)
    {
        var limit = Encoding.UTF8.GetByteCount(record);
        var atLimit = Encoding.UTF8.GetBytes(before + record + "\n");
        var overLimit = Encoding.UTF8.GetBytes(before + record + "c\n");
        if (file.EndsWith(".ndjson", StringComparison.Ordinal))
        {
            overLimit = Encoding.UTF8.GetBytes(before + record + " \n");
        }

        foreach (var chunk in new int?[] { null, 1, 3 })
        {
            var records = ReadAll(atLimit, file, EntitySchema.CampaignPerformance, limit, chunk);
            Assert.Equal(RecordProblem.None, records[^1].Problem);
            Assert.StartsWith("E", records[^1].Values![0]);

            var ex = Assert.Throws<ExportFileException>(() => ReadAll(overLimit, file, EntitySchema.CampaignPerformance, limit, chunk));
            Assert.Equal($"{file}: the record starting at line {line} is larger than {limit} bytes, which is not supported.", ex.Message);
        }
    }

    [Theory]
    [InlineData("campaign_performance.csv", H + "\nA,B,d,i,k,c\nE,F,d,i,k,<FF>" + Long, "L2 A|B|d|i|k|c|∅ ; L3 invalid_encoding")]
    [InlineData("campaign_performance.csv", H + "\nA,B,d,i,k,c\nE,F,d,i,k,c,too,many" + Long, "L2 A|B|d|i|k|c|∅ ; L3 malformed")]
    [InlineData("campaign_performance.csv", H + "\nA,B,d,i,k,c\nE,F,d,i,k,c\"" + Long, "L2 A|B|d|i|k|c|∅ ; L3 malformed")]
    [InlineData("campaign_performance.csv", H + "\nA,B,d,i,k,c\nE,F,d,i,k,\"c" + Long + "\n\n", "L2 A|B|d|i|k|c|∅ ; L3 malformed")]
    [InlineData("campaign_performance.ndjson", "{\"campaign_id\":\"A\"}\n{\"campaign_id\":\"E<FF>" + Long + "\"}", "L1 A|∅|∅|∅|∅|∅|∅ ; L2 invalid_encoding")]
    public void Record_longer_than_the_limit_is_still_rejected_as_the_spec_says(string file, string data, string expected)
    {
        Assert.Equal(expected, Describe(ReadAll(Bytes(data), file, EntitySchema.CampaignPerformance, 60)));
        Assert.Equal(expected, Describe(ReadAll(Bytes(data), file, EntitySchema.CampaignPerformance, 60, 2)));
    }

    [Fact]
    public void Header_longer_than_the_limit_fails_the_file()
    {
        var ex = Assert.Throws<ExportFileException>(
            () => ReadAll(Bytes(H + "\nA,B,d,i,k,c"), "campaign_performance.csv", EntitySchema.CampaignPerformance, H.Length - 1));
        Assert.Contains("header (line 1) is longer than", ex.Message);
    }

    /// <summary>A prefix, then one block repeated: a large stream without a large array.</summary>
    private sealed class RepeatingStream(byte[] prefix, byte[] block, int repeats) : Stream
    {
        private long _pos;
        private readonly long _length = prefix.Length + (long)block.Length * repeats;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _length;

        public override long Position { get => _pos; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length && _pos < _length)
            {
                ReadOnlySpan<byte> source = _pos < prefix.Length
                    ? prefix.AsSpan((int)_pos)
                    : block.AsSpan((int)((_pos - prefix.Length) % block.Length));
                var n = Math.Min(source.Length, buffer.Length - written);
                source[..n].CopyTo(buffer[written..]);
                written += n;
                _pos += n;
            }

            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Tests that measure the heap run alone, not beside other test classes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringTests
{
    public const string Name = "Memory measuring tests";
}
