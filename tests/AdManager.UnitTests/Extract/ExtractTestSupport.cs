using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.UnitTests.Extract;

/// <summary>Helpers shared by the extraction tests.</summary>
internal static class ExtractTestSupport
{
    /// <summary>Header with exactly the required columns of campaign_performance (conversions, optional, is absent).</summary>
    public const string PerfHeader = "campaign_id,merchant_id,date,impressions,clicks,cost";

    /// <summary>
    /// UTF-8 bytes of <paramref name="text"/>, where <c>&lt;XX&gt;</c> (two hex digits) stands for the raw byte 0xXX,
    /// so tests can write invalid UTF-8: <c>"a&lt;FF&gt;b"</c>.
    /// </summary>
    public static byte[] Bytes(string text)
    {
        var result = new List<byte>(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '<' && i + 3 < text.Length && text[i + 3] == '>' &&
                byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                result.Add(b);
                i += 4;
                continue;
            }

            var next = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
            result.AddRange(Encoding.UTF8.GetBytes(text.Substring(i, next)));
            i += next;
        }

        return [.. result];
    }

    public static EntityFileReader Open(byte[] data, string fileName, EntitySchema schema, int? maxRecordBytes = null, int? chunk = null) =>
        EntityFileReader.Open(
            chunk is null ? new MemoryStream(data, writable: false) : new ChunkedStream(data, chunk.Value),
            fileName,
            schema,
            maxRecordBytes ?? EntityFileReader.DefaultMaxRecordBytes);

    public static List<SourceRecord> ReadAll(byte[] data, string fileName, EntitySchema schema, int? maxRecordBytes = null, int? chunk = null)
    {
        using var reader = Open(data, fileName, schema, maxRecordBytes, chunk);
        return [.. reader.ReadRecords()];
    }

    /// <summary>Reads a campaign_performance CSV written as text (with <c>&lt;XX&gt;</c> raw bytes) and describes the records.</summary>
    public static string DescribePerfCsv(string text, int? chunk = null) =>
        Describe(ReadAll(Bytes(text), "campaign_performance.csv", EntitySchema.CampaignPerformance, chunk: chunk));

    /// <summary>
    /// One line per record, joined by " ; ": <c>L2 a|b|∅</c> (values, ∅ for null), <c>L3 malformed</c>, <c>L4 invalid_encoding</c>.
    /// </summary>
    public static string Describe(IEnumerable<SourceRecord> records) => string.Join(" ; ", records.Select(Describe));

    public static string Describe(SourceRecord r) => r.Problem switch
    {
        RecordProblem.None => $"L{r.Line} {string.Join("|", r.Values!.Select(v => v ?? "∅"))}",
        RecordProblem.MalformedRow => $"L{r.Line} malformed",
        RecordProblem.InvalidEncoding => $"L{r.Line} invalid_encoding",
        _ => $"L{r.Line} ?{r.Problem}",
    };

    /// <summary>A complete gzip member with no content (what <c>gzip &lt; /dev/null</c> writes).</summary>
    public static readonly byte[] EmptyGzipMember =
        [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>One gzip member holding <paramref name="data"/> (a real, empty member when the data is empty).</summary>
    public static byte[] Gzip(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        if (data.Length == 0)
        {
            return EmptyGzipMember;
        }

        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, level, leaveOpen: true))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }

    /// <summary>A gzip file of several members (as <c>cat a.gz b.gz</c> gives), split at the given byte offsets of the data.</summary>
    public static byte[] GzipMembers(byte[] data, params int[] splits)
    {
        var bounds = new[] { 0 }.Concat(splits).Append(data.Length).ToArray();
        var result = new List<byte>();
        for (var i = 0; i + 1 < bounds.Length; i++)
        {
            result.AddRange(Gzip(data[bounds[i]..bounds[i + 1]]));
        }

        return [.. result];
    }
}

/// <summary>A read-only stream that returns at most <c>chunk</c> bytes per read, to exercise buffer refills.</summary>
internal sealed class ChunkedStream(byte[] data, int chunk) : Stream
{
    private int _pos;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position { get => _pos; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, chunk), data.Length - _pos);
        data.AsSpan(_pos, n).CopyTo(buffer);
        _pos += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A temporary directory, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "extract-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, byte[] content)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string Write(string name, string content) => Write(name, Encoding.UTF8.GetBytes(content));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
