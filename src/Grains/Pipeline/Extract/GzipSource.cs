using System;
using System.IO;
using System.IO.Compression;

namespace AdManager.Grains.Pipeline.Extract;

/// <summary>
/// Decompresses a gzip file (one or more members) and proves that it ended cleanly.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="GZipStream"/> verifies CRC-32 and length of every member it finishes, but (unless the process-wide switch
/// <c>System.IO.Compression.UseStrictValidation</c> was set before its first use) it ends a truncated member silently, and it
/// silently ignores anything after a member that does not start with the gzip magic. Both would load part of an export as
/// if it were all of it.
/// </para>
/// <para>
/// So the compressed input is followed by a small sentinel gzip member whose content is known. If the file ends exactly at
/// a member boundary, the decompressor reads the sentinel as one more member and the output ends with its content, which is
/// removed. If the file is truncated, the sentinel's bytes are taken as the rest of the broken member: that ends in a
/// decoding error, a CRC mismatch, or output that does not end with the sentinel content. If the decompressor stops on
/// trailing non-gzip data, it never reads the sentinel. All of these are reported as an unreadable gzip file.
/// </para>
/// </remarks>
internal sealed class GzipSource : Stream
{
    private static readonly byte[] SentinelContent = "\u0000\u00ff~AdManager export gzip end marker~\u00ff\u0000"u8.ToArray();
    private static readonly byte[] SentinelMember = CreateSentinelMember();

    private readonly string _fileName;
    private readonly SentinelAppendingStream _compressed;
    private readonly GZipStream _gzip;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _finished;

    public GzipSource(Stream compressed, string fileName)
    {
        _fileName = fileName;
        _compressed = new SentinelAppendingStream(compressed, SentinelMember);
        _gzip = new GZipStream(_compressed, CompressionMode.Decompress, leaveOpen: false);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>Reads decompressed bytes; never returns the last bytes of the decompressed stream (the sentinel content).</summary>
    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            // Bytes that are surely not the sentinel content: all but the last SentinelContent.Length ones.
            var safe = _end - _start - (_finished ? 0 : SentinelContent.Length);
            if (safe > 0 || buffer.IsEmpty)
            {
                var n = Math.Min(Math.Max(safe, 0), buffer.Length);
                _buffer.AsSpan(_start, n).CopyTo(buffer);
                _start += n;
                return n;
            }

            if (_finished)
            {
                return 0;
            }

            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
            var read = ReadGzip(_buffer.AsSpan(_end));
            if (read > 0)
            {
                _end += read;
                continue;
            }

            _finished = true;
            if (!_compressed.RealDataSeen)
            {
                throw Unreadable("the file is empty");
            }

            if (!_compressed.SentinelStarted)
            {
                throw Unreadable("unexpected data after the end of the compressed data");
            }

            if (!_buffer.AsSpan(0, _end).SequenceEqual(SentinelContent))
            {
                throw Unreadable("the file is truncated");
            }

            _end = 0;
            return 0;
        }
    }

    private int ReadGzip(Span<byte> buffer)
    {
        try
        {
            return _gzip.Read(buffer);
        }
        catch (InvalidDataException ex)
        {
            throw Unreadable(ex.Message, ex);
        }
        catch (ExportFileException)
        {
            throw;
        }
        catch (IOException ex)
        {
            throw new ExportFileException($"{_fileName}: read error: {ex.Message}", ex);
        }
    }

    private ExportFileException Unreadable(string reason, Exception? inner = null) =>
        new($"{_fileName}: unreadable gzip data ({reason.TrimEnd('.')}). The file is damaged or not a complete gzip file.", inner);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }

        base.Dispose(disposing);
    }

    private static byte[] CreateSentinelMember()
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.NoCompression, leaveOpen: true))
        {
            gz.Write(SentinelContent);
        }

        return ms.ToArray();
    }

    /// <summary>The real compressed stream, then the sentinel member.</summary>
    private sealed class SentinelAppendingStream(Stream inner, byte[] sentinel) : Stream
    {
        private int _sentinelPos = -1;

        public bool RealDataSeen { get; private set; }

        public bool SentinelStarted => _sentinelPos >= 0;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            if (_sentinelPos < 0)
            {
                var n = inner.Read(buffer);
                if (n > 0)
                {
                    RealDataSeen = true;
                    return n;
                }

                _sentinelPos = 0;
            }

            var count = Math.Min(buffer.Length, sentinel.Length - _sentinelPos);
            sentinel.AsSpan(_sentinelPos, count).CopyTo(buffer);
            _sentinelPos += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
