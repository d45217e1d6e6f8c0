using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Schema;
using Npgsql;
using NpgsqlTypes;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// The two binary COPY streams of one entity's extraction: valid records into the entity's staging table,
/// rejected ones into <c>migration_rejections</c>. Synchronous on purpose: <see cref="StagingWriter"/> drives it
/// from its own thread, where per-row async would only add cost. Nothing is visible until <see cref="Complete"/>:
/// the job's staging table for the entity is (re)created in the transaction of its COPY and keyed at the end.
/// </summary>
internal sealed class StagingCopy : IDisposable
{
    private readonly Guid _jobId;
    private readonly EntityKind _entity;

    public EntityKind Entity => _entity;
    private readonly NpgsqlConnection _stageConnection;
    private readonly NpgsqlConnection _rejectConnection;
    private readonly NpgsqlBinaryImporter _stage;
    private readonly NpgsqlBinaryImporter _rejections;
    private readonly NpgsqlTransaction _stageTransaction;

    private StagingCopy(Guid jobId, EntityKind entity, NpgsqlConnection stageConnection, NpgsqlConnection rejectConnection)
    {
        _jobId = jobId;
        _entity = entity;
        _stageConnection = stageConnection;
        _rejectConnection = rejectConnection;
        _stageTransaction = stageConnection.BeginTransaction();
        Execute(stageConnection, $"{StagingTables.Drop(entity, jobId)}; {StagingTables.Create(entity, jobId)}");
        // FREEZE: the table is new in this transaction, so its rows can be written frozen: the first scans after the
        // load need not set hint bits on (and so rewrite) every page of it.
        _stage = stageConnection.BeginBinaryImport($"COPY {StagingTables.Name(entity, jobId)} ({StagingTables.CopyColumns(entity)}) FROM STDIN (FORMAT BINARY, FREEZE)");
        _rejections = rejectConnection.BeginBinaryImport(
            "COPY migration_rejections (job_id, entity, line, record_key, reason, detail) FROM STDIN (FORMAT BINARY)");
    }

    public static StagingCopy Open(NpgsqlDataSource dataSource, Guid jobId, EntityKind entity)
    {
        var a = dataSource.OpenConnection();
        NpgsqlConnection? b = null;
        try
        {
            b = dataSource.OpenConnection();
            return new StagingCopy(jobId, entity, a, b);
        }
        catch
        {
            b?.Dispose();
            a.Dispose();
            throw;
        }
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }

    public void Reject(long line, string? key, string reason, string detail)
    {
        _rejections.StartRow();
        _rejections.Write(_jobId, NpgsqlDbType.Uuid);
        _rejections.Write((short)_entity, NpgsqlDbType.Smallint);
        _rejections.Write(line, NpgsqlDbType.Bigint);
        WriteNullable(_rejections, key is null ? null : PgText.Safe(key), NpgsqlDbType.Text);
        _rejections.Write(reason, NpgsqlDbType.Text);
        _rejections.Write(PgText.Safe(detail), NpgsqlDbType.Text);
    }

    public void Write(long line, CampaignRecord r, bool maybeDuplicate)
    {
        StartRow(line, maybeDuplicate);
        _stage.Write(r.CampaignId, NpgsqlDbType.Text);
        _stage.Write(r.MerchantId, NpgsqlDbType.Text);
        _stage.Write(r.Name, NpgsqlDbType.Text);
        _stage.Write(r.Status, NpgsqlDbType.Text);
        _stage.Write(r.DailyBudgetMicros, NpgsqlDbType.Bigint);
        _stage.Write(r.Currency, NpgsqlDbType.Char);
        _stage.Write(r.StartDate, NpgsqlDbType.Date);
        WriteNullable(_stage, r.EndDate, NpgsqlDbType.Date);
        _stage.Write(r.TargetingJson, NpgsqlDbType.Jsonb);
        WriteModified(r.SourceModifiedAt);
    }

    public void Write(long line, string recordKey, PerformanceRecord r, bool maybeDuplicate)
    {
        StartRow(line, maybeDuplicate);
        _stage.Write(PgText.Safe(recordKey), NpgsqlDbType.Text);
        _stage.Write(r.CampaignId, NpgsqlDbType.Text);
        _stage.Write(r.MerchantId, NpgsqlDbType.Text);
        _stage.Write(r.Date, NpgsqlDbType.Date);
        _stage.Write(r.Impressions, NpgsqlDbType.Bigint);
        _stage.Write(r.Clicks, NpgsqlDbType.Bigint);
        _stage.Write(r.CostMicros, NpgsqlDbType.Bigint);
        _stage.Write(r.Conversions, NpgsqlDbType.Bigint);
    }

    public void Write(long line, CatalogRecord r, bool maybeDuplicate)
    {
        StartRow(line, maybeDuplicate);
        _stage.Write(r.CatalogId, NpgsqlDbType.Text);
        _stage.Write(r.MerchantId, NpgsqlDbType.Text);
        _stage.Write(r.Name, NpgsqlDbType.Text);
        _stage.Write(r.Country, NpgsqlDbType.Char);
        _stage.Write(r.DefaultCurrency, NpgsqlDbType.Char);
        WriteModified(r.SourceModifiedAt);
    }

    public void Write(long line, ProductRecord r, bool maybeDuplicate)
    {
        StartRow(line, maybeDuplicate);
        _stage.Write(r.ProductId, NpgsqlDbType.Text);
        _stage.Write(r.CatalogId, NpgsqlDbType.Text);
        _stage.Write(r.MerchantId, NpgsqlDbType.Text);
        _stage.Write(r.Title, NpgsqlDbType.Text);
        WriteNullable(_stage, r.Description, NpgsqlDbType.Text);
        _stage.Write(r.PriceMicros, NpgsqlDbType.Bigint);
        WriteNullable(_stage, r.SalePriceMicros, NpgsqlDbType.Bigint);
        WriteNullable(_stage, r.Currency, NpgsqlDbType.Char);
        _stage.Write(r.Availability, NpgsqlDbType.Text);
        WriteNullable(_stage, r.Gtin, NpgsqlDbType.Text);
        _stage.Write(r.Link, NpgsqlDbType.Text);
        WriteNullable(_stage, r.ImageLink, NpgsqlDbType.Text);
        WriteModified(r.SourceModifiedAt);
    }

    /// <summary>Commits both COPY streams.</summary>
    public void Complete()
    {
        _stage.Complete();
        _stage.Dispose();
        Execute(_stageConnection, StagingTables.AddKey(_entity, _jobId));
        _stageTransaction.Commit();
        _rejections.Complete();
    }

    /// <summary>The instant as timestamptz (what PostgreSQL targets hold) and in 100 ns ticks (what duplicates and DynamoDB use).</summary>
    private void WriteModified(DateTimeOffset modified)
    {
        _stage.Write(modified.UtcDateTime, NpgsqlDbType.TimestampTz);
        _stage.Write(modified.UtcTicks, NpgsqlDbType.Bigint);
    }

    /// <summary>The staged row's number (seq): dense from 0, in the order rows arrive (line order).</summary>
    private long _staged;

    private void StartRow(long line, bool maybeDuplicate)
    {
        _stage.StartRow();
        _stage.Write(_staged++, NpgsqlDbType.Bigint);
        _stage.Write(line, NpgsqlDbType.Bigint);
        _stage.Write(maybeDuplicate, NpgsqlDbType.Boolean);
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type) where T : class
    {
        if (value is null) importer.WriteNull();
        else importer.Write(value, type);
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type) where T : struct
    {
        if (value is null) importer.WriteNull();
        else importer.Write(value.Value, type);
    }

    public void Dispose()
    {
        _stage.Dispose();
        _rejections.Dispose();
        _stageTransaction.Dispose();
        _stageConnection.Dispose();
        _rejectConnection.Dispose();
    }
}
