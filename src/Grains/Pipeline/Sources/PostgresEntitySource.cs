using System.Text;
using System.Text.Unicode;
using AdManager.Grains.Pipeline.Extract;
using Npgsql;
using NpgsqlTypes;

namespace AdManager.Grains.Pipeline.Sources;

/// <summary>
/// Streams one legacy table with binary COPY: one row in memory at a time. <see cref="SourceRecord.Line"/> is the
/// row's 1-based position in primary-key order; NULL is an empty value; a value whose bytes are not UTF-8 (possible in
/// a <c>SQL_ASCII</c> database) makes the row <c>invalid_encoding</c>, exactly as for a file.
/// </summary>
internal sealed class PostgresEntitySource : IEntitySource
{
    private readonly LegacyTablePlan _table;
    private readonly LegacyDbTarget _target;
    private readonly CancellationToken _ct;
    private readonly NpgsqlBinaryExporter _exporter;
    private bool _started;

    public PostgresEntitySource(LegacyTablePlan table, NpgsqlConnection connection, TimeSpan readTimeout, LegacyDbTarget target, CancellationToken ct)
    {
        _table = table;
        _target = target;
        _ct = ct;
        try
        {
            // The server takes the table's lock before it answers: a wait that only the token can interrupt.
            _exporter = connection.BeginBinaryExportAsync(table.CopySql, ct).GetAwaiter().GetResult();
            _exporter.Timeout = readTimeout;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ct.ThrowIfCancellationRequested();
            throw LegacyDbErrors.Describe(ex, target, $"reading {table.Name}");
        }
    }

    public string Name => _table.Name;

    public string MalformedDetail => "the row cannot be read";

    public IReadOnlyList<string> Warnings => _table.Warnings;

    public IEnumerable<SourceRecord> ReadRecords()
    {
        if (_started) throw new InvalidOperationException($"{Name}: the records can be read only once.");
        _started = true;
        return Read();
    }

    private IEnumerable<SourceRecord> Read()
    {
        var fields = _table.Fields;
        long line = 0;
        while (true)
        {
            var values = new string?[_table.Entity.Columns.Count];
            bool more;
            string? invalid;
            try
            {
                (more, invalid) = ReadRow(fields, values);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _ct.ThrowIfCancellationRequested();
                throw LegacyDbErrors.Describe(ex, _target, $"reading {Name} after row {line}");
            }
            if (!more) yield break;
            line++;
            // A row with a value that is not UTF-8 keeps its other values, unchecked, so its rejection can show its key.
            yield return invalid is null
                ? new SourceRecord(line, RecordProblem.None, values)
                : new SourceRecord(line, RecordProblem.InvalidEncoding, null, invalid, values);
        }
    }

    /// <summary>Reads a row into <paramref name="values"/>; Invalid: where its first value that is not UTF-8 breaks (null: none).</summary>
    private (bool More, string? Invalid) ReadRow(IReadOnlyList<int> fields, string?[] values)
    {
        // The first row waits for the server's sort; later ones are mostly in the buffer already (no async cost then).
        if (Wait(_exporter.StartRowAsync(_ct)) < 0) return (false, null);
        string? invalid = null;
        for (var i = 0; i < fields.Count; i++)
        {
            if (_exporter.IsNull)
            {
                _exporter.Skip();
                continue;
            }
            var bytes = _exporter.Read<byte[]>(NpgsqlDbType.Bytea);
            if (Utf8.IsValid(bytes))
            {
                values[fields[i]] = Encoding.UTF8.GetString(bytes);
            }
            else if (invalid is null)
            {
                var (offset, value) = RecordScanner.FirstInvalidByte(bytes);
                invalid = $"the record's bytes are not valid UTF-8: byte 0x{value:X2} at offset {offset} of the value in column '{_table.Entity.Columns[fields[i]].Name}'";
            }
        }
        return (true, invalid);
    }

    /// <summary>Blocks this thread-pool thread (the read is synchronous by design) unless the result is already there.</summary>
    private static T Wait<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    public void Dispose()
    {
        try
        {
            // Ends the COPY (cancelling it when the rows were not all read).
            _exporter.Dispose();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
        {
            // The connection is broken; the read already failed with its own error, which this must not hide.
        }
    }
}
