using System;
using System.Buffers;
using System.IO;
using System.Text;

namespace AdManager.Grains.Pipeline.Extract;

/// <summary>
/// Splits NDJSON data into physical lines (CRLF, LF and CR end a line, as for CSV) and skips blank lines
/// (empty, or only Unicode White_Space).
/// </summary>
internal sealed class NdjsonScanner : RecordScanner
{
    private static readonly SearchValues<byte> LineStops = SearchValues.Create("\r\n"u8);

    public NdjsonScanner(Stream stream, string fileName, int maxRecordBytes)
        : base(stream, fileName, maxRecordBytes)
    {
    }

    /// <summary>The bytes of the current line, line break excluded (not available when <see cref="RecordScanner.Overflowed"/>).</summary>
    public ReadOnlySpan<byte> LineBytes => RecordBytes;

    /// <summary>Scans to the next line that is not blank. Returns false at end of data.</summary>
    public bool Next()
    {
        while (BeginRecord())
        {
            while (true)
            {
                var i = Buf.AsSpan(Pos, End - Pos).IndexOfAny(LineStops);
                if (i >= 0)
                {
                    Pos += i;
                    EndRecord(Pos, atLineBreak: true);
                    break;
                }

                Pos = End;
                if (!Fill())
                {
                    EndRecord(Pos, atLineBreak: false);
                    break;
                }
            }

            if (Overflowed || InvalidEncoding || !IsBlank(RecordBytes))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Only Unicode White_Space (the bytes are valid UTF-8).</summary>
    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        var i = 0;
        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t' or 0x0B or 0x0C)
        {
            i++;
        }

        if (i == line.Length)
        {
            return true;
        }

        if (line[i] < 0x80)
        {
            return false;
        }

        // Non-ASCII: rare; decode and look (U+00A0, U+2003, U+3000, ... are White_Space).
        return string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(line[i..]));
    }
}
