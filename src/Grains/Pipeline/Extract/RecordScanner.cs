using System;
using System.Buffers;
using System.IO;
using System.Text.Unicode;

namespace AdManager.Grains.Pipeline.Extract;

/// <summary>
/// Byte-level base of the CSV and NDJSON scanners: a pooled buffer that always holds the current record's bytes
/// contiguously (from <see cref="RecStart"/>), physical line counting, and the size limit for a single record.
/// </summary>
/// <remarks>
/// Memory stays flat: bytes before the current record are dropped when the buffer is refilled. The buffer grows only
/// while a single record is larger than half of it, up to the record size limit. Past that limit the record's bytes are
/// validated as UTF-8 and dropped while scanning goes on (<see cref="Overflowed"/>), so even an unclosed quote that runs
/// to the end of a huge file is scanned in bounded memory.
/// </remarks>
internal abstract class RecordScanner : IDisposable
{
    protected const byte Cr = (byte)'\r';
    protected const byte Lf = (byte)'\n';

    private const int DefaultBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly int _maxRecordBytes;
    private bool _eof;
    private bool _disposed;
    private bool _begun;

    /// <summary>When set, the byte at <see cref="Pos"/> ends the previous record; it is consumed by <see cref="BeginRecord"/>.</summary>
    private bool _pendingBreak;

    /// <summary>The previous byte consumed was a CR that ended a line: an LF right after it belongs to the same line break.</summary>
    private bool _skipLf;

    protected RecordScanner(Stream stream, string fileName, int maxRecordBytes)
    {
        _stream = stream;
        FileName = fileName;
        _maxRecordBytes = maxRecordBytes;
        Buf = ArrayPool<byte>.Shared.Rent(Math.Min(DefaultBufferSize, Math.Max(maxRecordBytes, 64)));
    }

    public string FileName { get; }

    /// <summary>The buffer. Valid data is <c>[.., End)</c>; the current record starts at <see cref="RecStart"/>.</summary>
    protected byte[] Buf { get; private set; }

    /// <summary>Scan position: the next byte to look at.</summary>
    protected int Pos;

    /// <summary>First byte of the current record; bytes before it may be dropped by <see cref="Fill"/>.</summary>
    protected int RecStart;

    /// <summary>End of the valid data in <see cref="Buf"/>.</summary>
    protected int End;

    /// <summary>Physical line (1-based) of the byte at <see cref="Pos"/>.</summary>
    protected long Line = 1;

    /// <summary>
    /// The current record is longer than the size limit (line break excluded). Its bytes were checked as UTF-8, but some
    /// may have been dropped: its fields cannot be read.
    /// </summary>
    public bool Overflowed { get; private set; }

    /// <summary>Dropped bytes of the current record were not valid UTF-8.</summary>
    private bool _overflowInvalid;

    /// <summary>1-based physical line where the current record starts.</summary>
    public long RecordLine { get; private set; }

    /// <summary>Length in bytes of the current record, line break excluded (meaningless when <see cref="Overflowed"/>).</summary>
    public int RecordLength { get; private set; }

    /// <summary>The bytes of the current record (all the lines it spans) are not valid UTF-8.</summary>
    public bool InvalidEncoding { get; private set; }

    public int MaxRecordBytes => _maxRecordBytes;

    /// <summary>The bytes of the current record (line break excluded). Not available when <see cref="Overflowed"/>.</summary>
    protected ReadOnlySpan<byte> RecordBytes => Buf.AsSpan(RecStart, RecordLength);

    /// <summary>
    /// Where the current record's bytes first stop being UTF-8: the offset within the record and the offending byte, or
    /// (-1, 0) when they are valid or the record <see cref="Overflowed"/> (its bytes are gone).
    /// </summary>
    public (int Offset, byte Value) FirstInvalidByte()
    {
        if (Overflowed)
        {
            return (-1, 0);
        }

        return FirstInvalidByte(RecordBytes);
    }

    /// <summary>Where <paramref name="bytes"/> first stop being UTF-8: the offset and the offending byte, or (-1, 0).</summary>
    public static (int Offset, byte Value) FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return (offset, bytes[offset]);
            }

            offset += consumed;
        }

        return (-1, 0);
    }

    /// <summary>Skips a UTF-8 BOM at the very start of the data.</summary>
    private void SkipBom()
    {
        while (End - Pos < 3 && Fill())
        {
        }

        if (End - Pos >= 3 && Buf[Pos] == 0xEF && Buf[Pos + 1] == 0xBB && Buf[Pos + 2] == 0xBF)
        {
            Pos += 3;
        }
    }

    /// <summary>
    /// Consumes the line break that ended the previous record and any empty lines (counting them), and positions at the
    /// first byte of the next record. Returns false at end of data.
    /// </summary>
    protected bool BeginRecord()
    {
        if (!_begun)
        {
            _begun = true;
            SkipBom();
        }

        RecStart = Pos;
        if (_pendingBreak)
        {
            _pendingBreak = false;
            _skipLf = Buf[Pos] == Cr;
            Pos++;
            Line++;
        }

        while (true)
        {
            RecStart = Pos;
            if (Pos == End && !Fill())
            {
                return false;
            }

            var b = Buf[Pos];
            if (_skipLf)
            {
                _skipLf = false;
                if (b == Lf)
                {
                    Pos++;
                    continue;
                }
            }

            if (b == Lf)
            {
                Pos++;
                Line++;
            }
            else if (b == Cr)
            {
                Pos++;
                Line++;
                _skipLf = true;
            }
            else
            {
                break;
            }
        }

        RecStart = Pos;
        RecordLine = Line;
        Overflowed = false;
        _overflowInvalid = false;
        return true;
    }

    /// <summary>
    /// Ends the current record at <paramref name="recordEnd"/> (absolute index, exclusive), checks its bytes as UTF-8,
    /// and, when <paramref name="atLineBreak"/>, leaves the line break at <see cref="Pos"/> for the next <see cref="BeginRecord"/>.
    /// </summary>
    protected void EndRecord(int recordEnd, bool atLineBreak)
    {
        RecordLength = recordEnd - RecStart;
        InvalidEncoding = _overflowInvalid || !Utf8.IsValid(Buf.AsSpan(RecStart, RecordLength));
        if (RecordLength > _maxRecordBytes)
        {
            Overflowed = true;
        }

        _pendingBreak = atLineBreak;
    }

    /// <summary>
    /// Consumes a line break inside a record (a quoted CSV field): <see cref="Pos"/> is at CR or LF. CRLF counts once.
    /// </summary>
    protected void ConsumeLineBreakInRecord()
    {
        var b = Buf[Pos];
        Pos++;
        Line++;
        if (b == Cr && (Pos < End || Fill()) && Buf[Pos] == Lf)
        {
            Pos++;
        }
    }

    /// <summary>
    /// Makes more bytes available after <see cref="End"/>. Call only when <see cref="Pos"/> == <see cref="End"/> (or
    /// before the first record). May move the data in the buffer: indexes are kept relative to <see cref="RecStart"/>.
    /// Returns false at end of data.
    /// </summary>
    protected bool Fill()
    {
        if (_eof)
        {
            return false;
        }

        if (End == Buf.Length)
        {
            MakeRoom();
        }

        int n;
        try
        {
            n = _stream.Read(Buf, End, Buf.Length - End);
        }
        catch (ExportFileException)
        {
            throw;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ExportFileException($"{FileName}: read error: {ex.Message}", ex);
        }

        if (n <= 0)
        {
            _eof = true;
            return false;
        }

        End += n;
        return true;
    }

    private void MakeRoom()
    {
        var keep = End - RecStart;
        if (RecStart > 0 && keep <= Buf.Length / 2)
        {
            Shift(RecStart);
            return;
        }

        if (keep <= _maxRecordBytes && Buf.Length < Array.MaxLength)
        {
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Buf.Length * 2L, Array.MaxLength));
            Buffer.BlockCopy(Buf, RecStart, bigger, 0, keep);
            ArrayPool<byte>.Shared.Return(Buf);
            Buf = bigger;
            Pos -= RecStart;
            End -= RecStart;
            RecStart = 0;
            return;
        }

        // The record is longer than the limit (Pos == End here, so [RecStart, Pos) are all its bytes so far):
        // validate the bytes scanned so far and drop them.
        var cut = RecStart + Utf8SafeLength(Buf.AsSpan(RecStart, Pos - RecStart));
        if (!Utf8.IsValid(Buf.AsSpan(RecStart, cut - RecStart)))
        {
            _overflowInvalid = true;
        }

        Overflowed = true;
        Shift(cut);
        if (End == Buf.Length)
        {
            // Cannot happen (Pos == End when filling, and at most 3 bytes are kept), but never loop on a full buffer.
            throw new InvalidOperationException("Scanner buffer is full.");
        }
    }

    /// <summary>Moves <c>[from, End)</c> to the start of the buffer.</summary>
    private void Shift(int from)
    {
        Buffer.BlockCopy(Buf, from, Buf, 0, End - from);
        Pos -= from;
        End -= from;
        RecStart = Math.Max(0, RecStart - from);
    }

    /// <summary>
    /// Length of the longest prefix that ends before the last (possibly incomplete) UTF-8 sequence, so that validating the
    /// prefix and the rest separately gives the same answer as validating the whole.
    /// </summary>
    internal static int Utf8SafeLength(ReadOnlySpan<byte> span)
    {
        var n = span.Length;
        for (var i = n - 1; i >= 0 && i >= n - 3; i--)
        {
            var b = span[i];
            if ((b & 0xC0) != 0x80)
            {
                return b < 0x80 ? i + 1 : i;
            }
        }

        return n;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(Buf);
        Buf = [];
        Pos = RecStart = End = 0;
        _eof = true;
    }
}
