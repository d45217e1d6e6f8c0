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
public sealed partial class EntityFileReader : IEntitySource
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

    private readonly EntitySchema _schema;
    private readonly List<string> _warnings = [];
    private readonly CsvScanner? _csv;
    private readonly NdjsonScanner? _ndjson;

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
    string IEntitySource.MalformedDetail => _csv is not null
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
        var stream = OpenFile(path);
        return Open(stream, fileName, schema, maxRecordBytes);
    }

    /// <summary>An entity file's bytes, read sequentially; a file that cannot be opened is an <see cref="ExportFileException"/> naming it.</summary>
    public static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException or NotSupportedException or ArgumentException)
        {
            throw new ExportFileException($"{Path.GetFileName(path)}: cannot be opened: {ex.Message}", ex);
        }
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

    private ExportFileException TooLarge(long line, int limit) =>
        new($"{FileName}: the record starting at line {line} is larger than {limit} bytes, which is not supported.");

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
