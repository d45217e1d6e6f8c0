using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// Encodes rows of PostgreSQL's binary COPY format (<c>COPY ... FROM STDIN (FORMAT BINARY)</c>) straight into a pooled
/// buffer and hands it to the raw COPY stream 64 KiB at a time. Extraction stages every record through this: encoding
/// field by field through <c>NpgsqlBinaryImporter</c> (a converter lookup and an async-capable write per field) cost the
/// COPY writer thread more than the reader's parsing and checks. Values are encoded as Npgsql encodes them (UTF-8 text
/// that refuses unpaired surrogates; dates and timestamps from 2000-01-01, 100 ns ticks truncated to microseconds), with
/// one deliberate difference: .NET's MinValue and MaxValue are the real dates 0001-01-01 and 9999-12-31 (PostgreSQL
/// holds both), where Npgsql by default sends -infinity and infinity, which would store a legacy record's
/// <c>0001-01-01</c> or <c>9999-12-31</c> as a different value. An integration test compares both encoders on the server.
/// </summary>
internal sealed class BinaryCopyWriter : IDisposable
{
    private const int FlushAt = 64 * 1024;
    private const long PostgresEpochTicks = 630822816000000000L; // 2000-01-01T00:00:00Z
    private const int PostgresEpochDayNumber = 730119;           // DateOnly(2000, 1, 1).DayNumber

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    /// <summary>The signature <c>PGCOPY\n\377\r\n\0</c>, then the flags field and the header extension length (both 0).</summary>
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly Stream _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(2 * FlushAt);
    private int _length;

    /// <summary>Starts the COPY data on <paramref name="stream"/> (the raw binary COPY stream of an open COPY command).</summary>
    public BinaryCopyWriter(Stream stream)
    {
        _stream = stream;
        Header.CopyTo(_buffer, 0);
        _length = Header.Length;
    }

    public void StartRow(short fields)
    {
        if (_length >= FlushAt) Flush();
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), fields);
        _length += 2;
    }

    public void WriteNull()
    {
        Reserve(4);
        PutInt32(-1);
    }

    public void Write(bool value)
    {
        Reserve(5);
        PutInt32(1);
        _buffer[_length++] = value ? (byte)1 : (byte)0;
    }

    public void Write(long value)
    {
        Reserve(12);
        PutInt32(8);
        PutInt64(value);
    }

    public void Write(long? value)
    {
        if (value is { } v) Write(v);
        else WriteNull();
    }

    /// <summary>uuid: its 16 bytes in RFC 4122 (big-endian) order.</summary>
    public void Write(Guid value)
    {
        Reserve(20);
        PutInt32(16);
        value.TryWriteBytes(_buffer.AsSpan(_length), bigEndian: true, out _);
        _length += 16;
    }

    /// <summary>text, varchar and character(n): the UTF-8 bytes.</summary>
    public void Write(string value) => WriteText(value, jsonbVersion: false);

    public void WriteNullable(string? value)
    {
        if (value is null) WriteNull();
        else WriteText(value, jsonbVersion: false);
    }

    /// <summary>jsonb: format version 1, then the JSON text.</summary>
    public void WriteJsonb(string json) => WriteText(json, jsonbVersion: true);

    /// <summary>date: days since 2000-01-01.</summary>
    public void Write(DateOnly value)
    {
        Reserve(8);
        PutInt32(4);
        PutInt32(value.DayNumber - PostgresEpochDayNumber);
    }

    public void Write(DateOnly? value)
    {
        if (value is { } v) Write(v);
        else WriteNull();
    }

    /// <summary>timestamptz from a UTC instant: microseconds since 2000-01-01, the last 100 ns digit dropped.</summary>
    public void WriteTimestampTz(DateTime utc)
    {
        if (utc.Kind != DateTimeKind.Utc) throw new ArgumentException("timestamptz takes a UTC DateTime", nameof(utc));
        Reserve(12);
        PutInt32(8);
        PutInt64((utc.Ticks - PostgresEpochTicks) / 10);
    }

    /// <summary>Ends the COPY data (the trailer) and sends what is buffered; the caller then completes the COPY command.</summary>
    public void Complete()
    {
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), -1);
        _length += 2;
        Flush();
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private void WriteText(string value, bool jsonbVersion)
    {
        var prefix = jsonbVersion ? 1 : 0;
        Reserve(4 + prefix + Utf8.GetMaxByteCount(value.Length));
        var at = _length;
        _length += 4;
        if (jsonbVersion) _buffer[_length++] = 1;
        var written = Utf8.GetBytes(value, _buffer.AsSpan(_length));
        _length += written;
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(at), prefix + written);
    }

    private void PutInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    private void PutInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    /// <summary>Room for <paramref name="bytes"/> more: sends the buffer first when they would not fit, grows it for a value larger than it.</summary>
    private void Reserve(int bytes)
    {
        if (_length + bytes <= _buffer.Length) return;
        Flush();
        if (bytes <= _buffer.Length) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = ArrayPool<byte>.Shared.Rent(bytes);
    }

    private void Flush()
    {
        if (_length == 0) return;
        _stream.Write(_buffer, 0, _length);
        _length = 0;
    }
}
