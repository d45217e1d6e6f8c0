using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Schema;
using Npgsql;
using NpgsqlTypes;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// The two binary COPY streams of one entity's extraction: valid records into the entity's staging table,
/// rejected ones into <c>migration_rejections</c>. Synchronous on purpose: <see cref="StagingWriter"/> drives it
/// from its own thread, where per-row async would only add cost. Nothing is visible until <see cref="Complete"/>.
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

    private StagingCopy(Guid jobId, EntityKind entity, NpgsqlConnection stageConnection, NpgsqlConnection rejectConnection)
    {
        _jobId = jobId;
        _entity = entity;
        _stageConnection = stageConnection;
        _rejectConnection = rejectConnection;
        _stage = stageConnection.BeginBinaryImport(CopyCommand(entity));
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

    private static string CopyCommand(EntityKind entity) => entity switch
    {
        EntityKind.Campaigns => "COPY stage_campaigns (job_id, line, campaign_id, merchant_id, name, status, daily_budget_micros, currency, start_date, end_date, targeting, source_modified_at, source_modified_ticks) FROM STDIN (FORMAT BINARY)",
        EntityKind.CampaignPerformance => "COPY stage_performance (job_id, line, record_key, campaign_id, merchant_id, date, impressions, clicks, cost_micros, conversions) FROM STDIN (FORMAT BINARY)",
        EntityKind.Catalogs => "COPY stage_catalogs (job_id, line, catalog_id, merchant_id, name, country, default_currency, source_modified_at, source_modified_ticks) FROM STDIN (FORMAT BINARY)",
        EntityKind.Products => "COPY stage_products (job_id, line, product_id, catalog_id, merchant_id, title, description, price_micros, sale_price_micros, currency, availability, gtin, link, image_link, source_modified_at, source_modified_ticks) FROM STDIN (FORMAT BINARY)",
        _ => throw new ArgumentOutOfRangeException(nameof(entity)),
    };

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

    public void Write(long line, CampaignRecord r)
    {
        StartRow(line);
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

    public void Write(long line, string recordKey, PerformanceRecord r)
    {
        StartRow(line);
        _stage.Write(PgText.Safe(recordKey), NpgsqlDbType.Text);
        _stage.Write(r.CampaignId, NpgsqlDbType.Text);
        _stage.Write(r.MerchantId, NpgsqlDbType.Text);
        _stage.Write(r.Date, NpgsqlDbType.Date);
        _stage.Write(r.Impressions, NpgsqlDbType.Bigint);
        _stage.Write(r.Clicks, NpgsqlDbType.Bigint);
        _stage.Write(r.CostMicros, NpgsqlDbType.Bigint);
        _stage.Write(r.Conversions, NpgsqlDbType.Bigint);
    }

    public void Write(long line, CatalogRecord r)
    {
        StartRow(line);
        _stage.Write(r.CatalogId, NpgsqlDbType.Text);
        _stage.Write(r.MerchantId, NpgsqlDbType.Text);
        _stage.Write(r.Name, NpgsqlDbType.Text);
        _stage.Write(r.Country, NpgsqlDbType.Char);
        _stage.Write(r.DefaultCurrency, NpgsqlDbType.Char);
        WriteModified(r.SourceModifiedAt);
    }

    public void Write(long line, ProductRecord r)
    {
        StartRow(line);
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
        _rejections.Complete();
    }

    /// <summary>The instant as timestamptz (what PostgreSQL targets hold) and in 100 ns ticks (what duplicates and DynamoDB use).</summary>
    private void WriteModified(DateTimeOffset modified)
    {
        _stage.Write(modified.UtcDateTime, NpgsqlDbType.TimestampTz);
        _stage.Write(modified.UtcTicks, NpgsqlDbType.Bigint);
    }

    private void StartRow(long line)
    {
        _stage.StartRow();
        _stage.Write(_jobId, NpgsqlDbType.Uuid);
        _stage.Write(line, NpgsqlDbType.Bigint);
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
        _stageConnection.Dispose();
        _rejectConnection.Dispose();
    }
}
