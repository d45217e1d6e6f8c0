using System.Data;
using AdManager.Grains.Pipeline.Extract;
using AdManager.Grains.Pipeline.Schema;
using Npgsql;

namespace AdManager.Grains.Pipeline.Sources;

/// <summary>
/// A <c>postgres</c> source: the four tables of a legacy schema, read over ONE connection in ONE read-only
/// <c>REPEATABLE READ</c> transaction, so every table comes from the same snapshot however long extraction takes and
/// whatever the legacy application commits meanwhile.
/// </summary>
internal sealed class PostgresLegacySource : ILegacySource
{
    private const string SchemaSql = "SELECT has_schema_privilege(oid, 'USAGE') FROM pg_catalog.pg_namespace WHERE nspname = $1";

    private const string ColumnsSql = """
        SELECT c.relname, has_any_column_privilege(c.oid, 'SELECT'), a.attname, format_type(a.atttypid, a.atttypmod),
               bt.oid, bt.typcategory, array_position(i.indkey::int2[], a.attnum)::int,
               CASE WHEN a.attnum IS NOT NULL THEN has_column_privilege(c.oid, a.attnum, 'SELECT') END
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
        LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary
        WHERE n.nspname = $1 AND c.relname = ANY($2) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        ORDER BY c.relname, a.attnum
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly IReadOnlyDictionary<EntityKind, LegacyTablePlan> _tables;
    private readonly LegacyDbTarget _target;
    private readonly TimeSpan _readTimeout;

    private PostgresLegacySource(NpgsqlDataSource dataSource, NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset snapshotAt,
        IReadOnlyDictionary<EntityKind, LegacyTablePlan> tables, LegacyDbTarget target, TimeSpan readTimeout)
    {
        _dataSource = dataSource;
        _connection = connection;
        _transaction = transaction;
        SnapshotAt = snapshotAt;
        _tables = tables;
        _target = target;
        _readTimeout = readTimeout;
    }

    public DateTimeOffset? SnapshotAt { get; }

    public bool Has(EntityKind kind) => _tables.ContainsKey(kind);

    public IEntitySource Open(EntitySchema schema, CancellationToken ct) => new PostgresEntitySource(_tables[schema.Kind], _connection, _readTimeout, _target, ct);

    /// <summary>
    /// Connects, takes the snapshot and checks every requested table (present, readable, required columns, types)
    /// before a single row is read, so a bad source fails the job before anything is staged.
    /// </summary>
    /// <exception cref="LegacySourceException">Connection, schema, tables or columns are not usable.</exception>
    public static async Task<PostgresLegacySource> OpenAsync(NpgsqlConnectionStringBuilder settings, LegacyDbTarget target, string schema,
        IReadOnlyCollection<string> dataTypes, TimeSpan readTimeout, CancellationToken ct)
    {
        NpgsqlDataSource? dataSource = null;
        NpgsqlConnection? connection = null;
        var doing = LegacyDbErrors.Connecting;
        try
        {
            var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
            // No spans for the legacy database: a failed command's or connection's span carries the server's message, and
            // the server quotes settings the secret gives the session (Options, Timezone, ...), which a trace backend
            // must not receive.
            builder.ConfigureTracing(tracing => tracing.ConfigureCommandFilter(_ => false).ConfigureBatchFilter(_ => false)
                .ConfigureCopyOperationFilter(_ => false).EnablePhysicalOpenTracing(false));
            dataSource = builder.Build();
            connection = await dataSource.OpenConnectionAsync(ct);
            doing = "starting the snapshot";
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            // The snapshot is taken by the first query after BEGIN: this one. Its time is the server's. A cancelled
            // read closes the connection; PostgreSQL 14+ then notices it even while it sorts or waits for a lock.
            var watchClient = connection.PostgreSqlVersion.Major >= 14 ? "SET LOCAL client_connection_check_interval = '2s'; " : "";
            DateTimeOffset snapshotAt;
            await using (var begin = new NpgsqlCommand($"SET TRANSACTION READ ONLY; {watchClient}SELECT statement_timestamp()", connection, transaction))
            await using (var reader = await begin.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                snapshotAt = reader.GetFieldValue<DateTimeOffset>(0);
            }
            doing = $"reading the catalog of schema '{schema}'";
            var tables = await PlanTablesAsync(connection, transaction, schema, dataTypes, ct);
            return new PostgresLegacySource(dataSource, connection, transaction, snapshotAt, tables, target, readTimeout);
        }
        catch (Exception ex)
        {
            if (connection is not null) await connection.DisposeAsync();
            if (dataSource is not null) await dataSource.DisposeAsync();
            if (ex is OperationCanceledException or LegacySourceException) throw;
            ct.ThrowIfCancellationRequested();
            throw LegacyDbErrors.Describe(ex, target, doing);
        }
    }

    private static async Task<IReadOnlyDictionary<EntityKind, LegacyTablePlan>> PlanTablesAsync(NpgsqlConnection connection,
        NpgsqlTransaction transaction, string schema, IReadOnlyCollection<string> dataTypes, CancellationToken ct)
    {
        await using (var command = new NpgsqlCommand(SchemaSql, connection, transaction) { Parameters = { new() { Value = schema } } })
        {
            switch (await command.ExecuteScalarAsync(ct))
            {
                case null:
                    throw new LegacySourceException($"the legacy database has no schema '{schema}'");
                case false:
                    throw new LegacySourceException($"the legacy database's role may not use schema '{schema}' (no USAGE privilege)");
            }
        }

        var entities = EntitySchema.All.Where(e => dataTypes.Contains(e.DataType)).ToList();
        var columns = new Dictionary<string, List<LegacyColumn>>(StringComparer.Ordinal);
        var unreadable = new List<string>();
        await using (var command = new NpgsqlCommand(ColumnsSql, connection, transaction)
        {
            Parameters = { new() { Value = schema }, new() { Value = entities.Select(e => e.Name).ToArray() } },
        })
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var table = reader.GetString(0);
                if (!columns.TryGetValue(table, out var list))
                {
                    columns[table] = list = [];
                    if (!reader.GetBoolean(1)) unreadable.Add($"{schema}.{table}");
                }
                if (reader.IsDBNull(2)) continue;
                list.Add(new LegacyColumn(reader.GetString(2), reader.GetString(3), reader.GetFieldValue<uint>(4), reader.GetChar(5),
                    reader.IsDBNull(6) ? null : reader.GetInt32(6), reader.GetBoolean(7)));
            }
        }
        if (unreadable.Count > 0)
        {
            throw new LegacySourceException($"the legacy database's role may not read {string.Join(", ", unreadable)} (no SELECT privilege)");
        }

        foreach (var dataType in dataTypes)
        {
            var names = entities.Where(e => e.DataType == dataType).Select(e => e.Name).ToList();
            if (!names.Any(columns.ContainsKey))
            {
                throw new LegacySourceException(
                    $"schema '{schema}' has no table for data type '{dataType}'; expected at least one of: {string.Join(", ", names)}");
            }
        }
        return entities.Where(e => columns.ContainsKey(e.Name))
            .ToDictionary(e => e.Kind, e => LegacyTablePlan.Create(schema, e, columns[e.Name], connection.PostgresParameters.GetValueOrDefault("server_encoding", "UTF8")));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Read-only: ending the transaction only releases the snapshot.
            await _transaction.RollbackAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection is already broken; closing it below is all that is left to do.
        }
        try
        {
            await _transaction.DisposeAsync();
        }
        finally
        {
            await _connection.DisposeAsync();
            await _dataSource.DisposeAsync();
        }
    }
}
