using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Pipeline.Extract;

/// <summary>
/// Reads one entity file of a legacy export (CSV or NDJSON, plain or gzip) as a stream of raw records: decides rules 1-2
/// of the spec (<c>invalid_encoding</c>, <c>malformed_row</c>) and hands over untrimmed field text for the rest.
/// </summary>
/// <remarks>
/// <para>Not thread-safe. <see cref="ReadRecords"/> can be enumerated once. Disposing closes the file (or stream).</para>
/// <para>
/// NDJSON: strings give their (unescaped) text, numbers their literal text exactly as written, <c>null</c> gives null,
/// <c>true</c>/<c>false</c>/arrays/objects their raw JSON text. A key given twice in one object: the last one wins.
/// A string escape that is no Unicode text (a lone surrogate such as <c>"\ud800"</c>) in a key or a column value makes
/// the line <c>malformed_row</c>.
/// </para>
/// </remarks>
public sealed class EntityFileReader : IEntitySource
{
    /// <summary>
    /// Default limit for one record (CSV record or NDJSON line) in bytes. A longer record is still scanned to its end in
    /// bounded memory: it is reported when it is <c>invalid_encoding</c> or <c>malformed_row</c> anyway, otherwise the
    /// file fails with an <see cref="ExportFileException"/> (never a silent truncation).
    /// </summary>
    public const int DefaultMaxRecordBytes = 64 * 1024 * 1024;

    /// <summary>A CSV header with more columns than this fails the file.</summary>
    public const int MaxHeaderColumns = 4096;

    /// <summary>At most this many distinct unknown NDJSON keys are listed as warnings (then one closing warning).</summary>
    public const int MaxUnknownKeyWarnings = 1000;

    private static readonly JsonReaderOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = int.MaxValue,
    };

    private readonly EntitySchema _schema;
    private readonly List<string> _warnings = [];
    private readonly CsvScanner? _csv;
    private readonly NdjsonScanner? _ndjson;

    // CSV: header field index -> schema column index, or -1 for an unknown column.
    private readonly int[] _columnOfField = [];

    // NDJSON: column names as UTF-8, and the unknown keys seen so far (warned once each).
    private readonly byte[][] _columnNamesUtf8 = [];
    private readonly HashSet<string> _unknownKeys = new(StringComparer.Ordinal);
    private readonly List<string> _newUnknownKeys = [];
    private char[] _keyChars = new char[64];
    private byte[] _keyBytes = new byte[64];

    private bool _started;
    private bool _disposed;

    private EntityFileReader(Stream stream, string fileName, EntitySchema schema, bool csv, int maxRecordBytes)
    {
        FileName = fileName;
        _schema = schema;
        if (csv)
        {
            _csv = new CsvScanner(stream, fileName, maxRecordBytes);
            try
            {
                _columnOfField = ReadHeader(_csv);
            }
            catch
            {
                _csv.Dispose();
                throw;
            }
        }
        else
        {
            _ndjson = new NdjsonScanner(stream, fileName, maxRecordBytes);
            _columnNamesUtf8 = [.. schema.Columns.Select(c => Encoding.UTF8.GetBytes(c.Name))];
        }
    }

    /// <summary>The file's name (without directory), as used in messages.</summary>
    public string FileName { get; }

    string IEntitySource.Name => FileName;

    /// <inheritdoc/>
    public string MalformedDetail => _csv is not null
        ? "the row cannot be parsed (quotes) or has a different number of fields than the header"
        : "the line is not a JSON object";

    /// <summary>
    /// Warnings for the report: CSV, once per unknown column (known after <c>Open</c>); NDJSON, once per unknown key
    /// (grows while reading).
    /// </summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Opens a file of the given entity; the format comes from the name (<c>.csv</c>, <c>.ndjson</c>, optionally <c>.gz</c>).</summary>
    /// <exception cref="ExportFileException">The file cannot be opened, has an unsupported name, or (CSV) a bad header.</exception>
    public static EntityFileReader Open(string path, EntitySchema schema) => Open(path, schema, DefaultMaxRecordBytes);

    /// <inheritdoc cref="Open(string, EntitySchema)"/>
    /// <param name="path">Path of the file.</param>
    /// <param name="schema">The entity's schema.</param>
    /// <param name="maxRecordBytes">Records up to this size (bytes) are always read; see <see cref="DefaultMaxRecordBytes"/>.</param>
    public static EntityFileReader Open(string path, EntitySchema schema, int maxRecordBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fileName = Path.GetFileName(path);
        FormatOf(fileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException or NotSupportedException or ArgumentException)
        {
            throw new ExportFileException($"{fileName}: cannot be opened: {ex.Message}", ex);
        }

        return Open(stream, fileName, schema, maxRecordBytes);
    }

    /// <summary>
    /// Opens an entity file from a stream (tests, other sources). <paramref name="fileName"/> decides the format and gzip.
    /// The reader owns the stream and disposes it.
    /// </summary>
    /// <exception cref="ExportFileException">Unsupported name, or (CSV) a bad header, or unreadable gzip data.</exception>
    public static EntityFileReader Open(Stream stream, string fileName, EntitySchema schema) =>
        Open(stream, fileName, schema, DefaultMaxRecordBytes);

    /// <inheritdoc cref="Open(Stream, string, EntitySchema)"/>
    /// <param name="stream">The file's bytes (compressed when the name ends in <c>.gz</c>).</param>
    /// <param name="fileName">The file's name.</param>
    /// <param name="schema">The entity's schema.</param>
    /// <param name="maxRecordBytes">Records up to this size (bytes) are always read; see <see cref="DefaultMaxRecordBytes"/>.</param>
    public static EntityFileReader Open(Stream stream, string fileName, EntitySchema schema, int maxRecordBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordBytes, 1);

        var name = Path.GetFileName(fileName);
        Stream source = stream;
        try
        {
            var (csv, gzip) = FormatOf(name);
            if (gzip)
            {
                source = new GzipSource(stream, name);
            }

            return new EntityFileReader(source, name, schema, csv, maxRecordBytes);
        }
        catch
        {
            source.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Streams the records in file order. Never holds more than one record in memory.
    /// </summary>
    /// <exception cref="ExportFileException">Unreadable gzip data or a read error (thrown while enumerating).</exception>
    public IEnumerable<SourceRecord> ReadRecords()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_started)
        {
            throw new InvalidOperationException($"{FileName}: the records can be read only once.");
        }

        _started = true;
        return _csv is not null ? ReadCsv(_csv) : ReadNdjson(_ndjson!);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _csv?.Dispose();
        _ndjson?.Dispose();
    }

    private static (bool Csv, bool Gzip) FormatOf(string fileName)
    {
        var gzip = fileName.EndsWith(".gz", StringComparison.Ordinal);
        var name = gzip ? fileName[..^3] : fileName;
        if (name.EndsWith(".csv", StringComparison.Ordinal))
        {
            return (true, gzip);
        }

        if (name.EndsWith(".ndjson", StringComparison.Ordinal))
        {
            return (false, gzip);
        }

        throw new ExportFileException(
            $"{Display(fileName)}: unsupported file type; expected a name ending in .csv, .ndjson, .csv.gz or .ndjson.gz.");
    }

    private int[] ReadHeader(CsvScanner csv)
    {
        csv.MaxStoredFields = MaxHeaderColumns;
        if (!csv.Next())
        {
            throw new ExportFileException($"{FileName}: the file is empty; its first line must be the header.");
        }

        var where = $"{FileName}: the header (line {csv.RecordLine})";
        if (csv.InvalidEncoding)
        {
            throw new ExportFileException($"{where} is not valid UTF-8.");
        }

        if (csv.Malformed)
        {
            throw new ExportFileException(csv.UnclosedQuote
                ? $"{where} has a quoted name that is never closed."
                : $"{where} is malformed: a quote inside an unquoted name, or text after a closing quote.");
        }

        if (csv.Overflowed)
        {
            throw new ExportFileException($"{where} is longer than {csv.MaxRecordBytes} bytes.");
        }

        if (csv.FieldCount > MaxHeaderColumns)
        {
            throw new ExportFileException($"{where} has {csv.FieldCount} columns; at most {MaxHeaderColumns} are supported.");
        }

        var map = new int[csv.FieldCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < csv.FieldCount; i++)
        {
            var name = csv.GetField(i).Trim();
            if (!seen.Add(name))
            {
                throw new ExportFileException($"{where} has the column '{Display(name)}' more than once.");
            }

            map[i] = _schema.IndexOf(name);
            if (map[i] < 0)
            {
                _warnings.Add($"{FileName}: unknown column '{Display(name)}' ignored");
            }
        }

        var missing = _schema.Columns.Where(c => c.Required && !seen.Contains(c.Name)).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            throw new ExportFileException(
                $"{where} lacks the required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}.");
        }

        // Data records: positions are needed for the header's fields only; a record with more is malformed anyway.
        csv.MaxStoredFields = map.Length;
        return map;
    }

    private IEnumerable<SourceRecord> ReadCsv(CsvScanner csv)
    {
        var columns = _schema.Columns.Count;
        var map = _columnOfField;
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!csv.Next())
            {
                yield break;
            }

            if (csv.InvalidEncoding)
            {
                yield return new SourceRecord(csv.RecordLine, RecordProblem.InvalidEncoding, null);
                continue;
            }

            if (csv.Malformed || csv.FieldCount != map.Length)
            {
                yield return new SourceRecord(csv.RecordLine, RecordProblem.MalformedRow, null);
                continue;
            }

            if (csv.Overflowed)
            {
                throw TooLarge(csv.RecordLine, csv.MaxRecordBytes);
            }

            var values = new string?[columns];
            for (var i = 0; i < map.Length; i++)
            {
                var column = map[i];
                if (column >= 0)
                {
                    values[column] = csv.GetField(i);
                }
            }

            yield return new SourceRecord(csv.RecordLine, RecordProblem.None, values);
        }
    }

    private IEnumerable<SourceRecord> ReadNdjson(NdjsonScanner ndjson)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!ndjson.Next())
            {
                yield break;
            }

            if (ndjson.InvalidEncoding)
            {
                yield return new SourceRecord(ndjson.RecordLine, RecordProblem.InvalidEncoding, null);
                continue;
            }

            if (ndjson.Overflowed)
            {
                throw TooLarge(ndjson.RecordLine, ndjson.MaxRecordBytes);
            }

            var values = new string?[_schema.Columns.Count];
            if (!TryParseObject(ndjson.LineBytes, values))
            {
                yield return new SourceRecord(ndjson.RecordLine, RecordProblem.MalformedRow, null);
                continue;
            }

            yield return new SourceRecord(ndjson.RecordLine, RecordProblem.None, values);
        }
    }

    private ExportFileException TooLarge(long line, int limit) =>
        new($"{FileName}: the record starting at line {line} is larger than {limit} bytes, which is not supported.");

    /// <summary>Parses one line as a JSON object into <paramref name="values"/>; false when it is not valid JSON or not an object.</summary>
    private bool TryParseObject(ReadOnlySpan<byte> line, string?[] values)
    {
        _newUnknownKeys.Clear();
        var reader = new Utf8JsonReader(line, JsonOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (true)
            {
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    return false;
                }

                var column = ColumnOfKey(ref reader);
                if (!reader.Read())
                {
                    return false;
                }

                if (column < 0)
                {
                    reader.Skip();
                    continue;
                }

                string? value;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        value = reader.GetString();
                        break;
                    case JsonTokenType.Number:
                        value = Encoding.UTF8.GetString(reader.ValueSpan);
                        break;
                    case JsonTokenType.True:
                        value = "true";
                        break;
                    case JsonTokenType.False:
                        value = "false";
                        break;
                    case JsonTokenType.Null:
                        value = null;
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        var start = checked((int)reader.TokenStartIndex);
                        reader.Skip();
                        value = Encoding.UTF8.GetString(line[start..checked((int)reader.BytesConsumed)]);
                        break;
                    default:
                        return false;
                }

                values[column] = value;
            }

            // Only whitespace may follow the object (the reader throws on anything else).
            if (reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // An escape that is no Unicode text (lone surrogate) in a key or a value.
            return false;
        }

        foreach (var key in _newUnknownKeys)
        {
            if (_unknownKeys.Count < MaxUnknownKeyWarnings)
            {
                if (_unknownKeys.Add(key))
                {
                    _warnings.Add($"{FileName}: unknown key '{Display(key)}' ignored");
                }
            }
            else if (_unknownKeys.Count == MaxUnknownKeyWarnings && _unknownKeys.Add(key))
            {
                _warnings.Add($"{FileName}: more than {MaxUnknownKeyWarnings} different unknown keys; further ones are not listed");
            }
        }

        return true;
    }

    /// <summary>The schema column of the property name the reader is on, or -1 (then noted as unknown key).</summary>
    private int ColumnOfKey(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> name;
        if (!reader.ValueIsEscaped)
        {
            name = reader.ValueSpan;
        }
        else
        {
            if (_keyBytes.Length < reader.ValueSpan.Length)
            {
                _keyBytes = new byte[reader.ValueSpan.Length];
            }

            name = _keyBytes.AsSpan(0, reader.CopyString(_keyBytes));
        }

        var names = _columnNamesUtf8;
        for (var i = 0; i < names.Length; i++)
        {
            if (name.SequenceEqual(names[i]))
            {
                return i;
            }
        }

        if (_unknownKeys.Count <= MaxUnknownKeyWarnings)
        {
            if (_keyChars.Length < name.Length)
            {
                _keyChars = new char[name.Length];
            }

            var chars = _keyChars.AsSpan(0, Encoding.UTF8.GetChars(name, _keyChars));
            if (!_unknownKeys.GetAlternateLookup<ReadOnlySpan<char>>().Contains(chars))
            {
                _newUnknownKeys.Add(chars.ToString());
            }
        }

        return -1;
    }

    /// <summary>A name as shown in a message: control characters escaped, at most 100 characters.</summary>
    internal static string Display(string text)
    {
        const int max = 100;
        var sb = new StringBuilder(Math.Min(text.Length, max) + 8);
        foreach (var c in text)
        {
            if (sb.Length >= max)
            {
                sb.Append('…');
                break;
            }

            if (char.IsControl(c))
            {
                sb.Append($"\\u{(int)c:X4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
