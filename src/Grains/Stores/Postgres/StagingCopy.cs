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
    private readonly NpgsqlRawCopyStream _stageStream;
    private readonly BinaryCopyWriter _stage;
    private readonly NpgsqlBinaryImporter _rejections;
    private bool _staged;
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
        _stageStream = stageConnection.BeginRawBinaryCopy($"COPY {StagingTables.Name(entity, jobId)} ({StagingTables.CopyColumns(entity)}) FROM STDIN (FORMAT BINARY, FREEZE)");
        _stage = new BinaryCopyWriter(_stageStream);
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

    public void Write(long line, CampaignRecord r, bool maybeDuplicate, string? modifiedBeyondTicks = null)
    {
        StartRow(15, line, maybeDuplicate);
        _stage.Write(r.CampaignId);
        _stage.Write(r.MerchantId);
        _stage.Write(r.Name);
        _stage.Write(r.Status);
        _stage.Write(r.DailyBudgetMicros);
        _stage.Write(r.Currency);
        _stage.Write(r.StartDate);
        _stage.Write(r.EndDate);
        _stage.WriteJsonb(r.TargetingJson);
        WriteModified(r.SourceModifiedAt, modifiedBeyondTicks);
    }

    public void Write(long line, string recordKey, PerformanceRecord r, bool maybeDuplicate)
    {
        StartRow(11, line, maybeDuplicate);
        _stage.Write(PgText.Safe(recordKey));
        _stage.Write(r.CampaignId);
        _stage.Write(r.MerchantId);
        _stage.Write(r.Date);
        _stage.Write(r.Impressions);
        _stage.Write(r.Clicks);
        _stage.Write(r.CostMicros);
        _stage.Write(r.Conversions);
    }

    public void Write(long line, CatalogRecord r, bool maybeDuplicate, string? modifiedBeyondTicks = null)
    {
        StartRow(11, line, maybeDuplicate);
        _stage.Write(r.CatalogId);
        _stage.Write(r.MerchantId);
        _stage.Write(r.Name);
        _stage.Write(r.Country);
        _stage.Write(r.DefaultCurrency);
        WriteModified(r.SourceModifiedAt, modifiedBeyondTicks);
    }

    public void Write(long line, ProductRecord r, bool maybeDuplicate, string? modifiedBeyondTicks = null)
    {
        StartRow(18, line, maybeDuplicate);
        _stage.Write(r.ProductId);
        _stage.Write(r.CatalogId);
        _stage.Write(r.MerchantId);
        _stage.Write(r.Title);
        _stage.WriteNullable(r.Description);
        _stage.Write(r.PriceMicros);
        _stage.Write(r.SalePriceMicros);
        _stage.WriteNullable(r.Currency);
        _stage.Write(r.Availability);
        _stage.WriteNullable(r.Gtin);
        _stage.Write(r.Link);
        _stage.WriteNullable(r.ImageLink);
        WriteModified(r.SourceModifiedAt, modifiedBeyondTicks);
    }

    /// <summary>Commits both COPY streams.</summary>
    public void Complete()
    {
        _stage.Complete();
        _staged = true;
        _stageStream.Dispose();
        Execute(_stageConnection, StagingTables.AddSeqIndex(_entity, _jobId));
        _stageTransaction.Commit();
        _rejections.Complete();
    }

    /// <summary>
    /// The instant as timestamptz (what PostgreSQL targets hold), in 100 ns ticks (what DynamoDB holds) and the source's
    /// fraction digits beyond those (null when none): duplicates are ranked by the last two.
    /// </summary>
    private void WriteModified(DateTimeOffset modified, string? beyondTicks)
    {
        _stage.WriteTimestampTz(modified.UtcDateTime);
        _stage.Write(modified.UtcTicks);
        _stage.WriteNullable(beyondTicks);
    }

    /// <summary>The staged row's number (seq): dense from 0, in the order rows arrive (line order).</summary>
    private long _seq;

    /// <summary>Starts a staged row of <paramref name="fields"/> columns (<see cref="StagingTables.CopyColumns"/>) with its seq, line and flag.</summary>
    private void StartRow(short fields, long line, bool maybeDuplicate)
    {
        _stage.StartRow(fields);
        _stage.Write(_seq++);
        _stage.Write(line);
        _stage.Write(maybeDuplicate);
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
        // Without Complete the staging COPY is cancelled: nothing of it is kept (and on a broken connection there is
        // nothing to cancel; the transaction ends with it).
        if (!_staged)
        {
            try
            {
                _stageStream.Cancel();
            }
            catch (Exception e) when (e is NpgsqlException or IOException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
        _stageStream.Dispose();
        _stage.Dispose();
        _rejections.Dispose();
        _stageTransaction.Dispose();
        _stageConnection.Dispose();
        _rejectConnection.Dispose();
    }
}
