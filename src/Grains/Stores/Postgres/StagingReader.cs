using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Schema;
using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>Reads a resolved job's staging: rejections by reason, and the loaded records for DynamoDB batch by batch.</summary>
public sealed class StagingReader(NpgsqlDataSource dataSource)
{
    /// <summary>Rejections of the job per entity and reason.</summary>
    public async Task<Dictionary<EntityKind, Dictionary<string, long>>> RejectionsByReasonAsync(Guid jobId, CancellationToken ct)
    {
        var result = EntitySchema.All.ToDictionary(e => e.Kind, _ => new Dictionary<string, long>(StringComparer.Ordinal));
        await using var command = dataSource.CreateCommand(
            "SELECT entity, reason, count(*) FROM migration_rejections WHERE job_id = $1 GROUP BY entity, reason ORDER BY entity, reason");
        command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[(EntityKind)reader.GetInt16(0)][reader.GetString(1)] = reader.GetInt64(2);
        }
        return result;
    }

    /// <summary>
    /// The entities among <paramref name="staged"/> (entity, rows extraction staged) whose staging is gone or empty though
    /// rows were staged: what a PostgreSQL crash leaves of unlogged tables (all of a table's rows or none).
    /// </summary>
    public async Task<List<EntityKind>> LostAsync(Guid jobId, IEnumerable<(EntityKind Entity, long Staged)> staged, CancellationToken ct)
    {
        var lost = new List<EntityKind>();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        foreach (var (entity, rows) in staged)
        {
            if (rows <= 0) continue;
            var table = StagingTables.Name(entity, jobId);
            await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = table });
            var present = (bool)(await exists.ExecuteScalarAsync(ct))!;
            if (present)
            {
                await using var any = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {table})", connection);
                present = (bool)(await any.ExecuteScalarAsync(ct))!;
            }
            if (!present) lost.Add(entity);
        }
        return lost;
    }

    /// <summary>One batch of loaded performance rows, in key order.</summary>
    public Task<List<PerformanceRecord>> PerformanceBatchAsync(Guid jobId, int batchNo, CancellationToken ct) =>
        PerformanceBatchesAsync(jobId, batchNo, batchNo, ct);

    /// <summary>The loaded performance rows of batches <paramref name="firstBatch"/> to <paramref name="lastBatch"/>, in key order.</summary>
    public async Task<List<PerformanceRecord>> PerformanceBatchesAsync(Guid jobId, int firstBatch, int lastBatch, CancellationToken ct)
    {
        var list = new List<PerformanceRecord>();
        await using var reader = await BatchReaderAsync($"""
            SELECT campaign_id, merchant_id, date, impressions, clicks, cost_micros, conversions
            FROM {StagingTables.BatchRange(EntityKind.CampaignPerformance, jobId, "$1", "$2")} ORDER BY campaign_id, date
            """, jobId, EntityKind.CampaignPerformance, firstBatch, lastBatch, ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new PerformanceRecord(
                reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2),
                reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6)));
        }
        return list;
    }

    /// <summary>One batch of loaded products, in key order.</summary>
    public Task<List<ProductRecord>> ProductBatchAsync(Guid jobId, int batchNo, CancellationToken ct) =>
        ProductBatchesAsync(jobId, batchNo, batchNo, ct);

    /// <summary>The loaded products of batches <paramref name="firstBatch"/> to <paramref name="lastBatch"/>, in key order.</summary>
    public async Task<List<ProductRecord>> ProductBatchesAsync(Guid jobId, int firstBatch, int lastBatch, CancellationToken ct)
    {
        var list = new List<ProductRecord>();
        await using var reader = await BatchReaderAsync($"""
            SELECT product_id, catalog_id, merchant_id, title, description, price_micros, sale_price_micros, currency,
                   availability, gtin, link, image_link, source_modified_ticks
            FROM {StagingTables.BatchRange(EntityKind.Products, jobId, "$1", "$2")} ORDER BY catalog_id, product_id
            """, jobId, EntityKind.Products, firstBatch, lastBatch, ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new ProductRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt64(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9), reader.GetString(10),
                reader.IsDBNull(11) ? null : reader.GetString(11), new DateTimeOffset(reader.GetInt64(12), TimeSpan.Zero)));
        }
        return list;
    }

    /// <summary>Drops the job's staging once it is final; its rejections stay for the API.</summary>
    public async Task DeleteStagingAsync(Guid jobId, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var entity in EntitySchema.All) batch.BatchCommands.Add(new NpgsqlBatchCommand(StagingTables.Drop(entity.Kind, jobId)));
        var batches = new NpgsqlBatchCommand("DELETE FROM stage_batches WHERE job_id = $1");
        batches.Parameters.Add(new NpgsqlParameter { Value = jobId });
        batch.BatchCommands.Add(batches);
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Runs <paramref name="sql"/> (a <see cref="StagingTables.BatchRange"/> read with the seq bounds as $1 and $2) over batches <paramref name="firstBatch"/> to <paramref name="lastBatch"/>.</summary>
    private async Task<NpgsqlDataReader> BatchReaderAsync(string sql, Guid jobId, EntityKind entity, int firstBatch, int lastBatch, CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var (lo, hi) = await StagingTables.SeqBoundsAsync(connection, jobId, entity, firstBatch, lastBatch, ct);
            // Not disposed here: the reader it returns is still to be read, and closing that closes the connection.
            var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = lo });
            command.Parameters.Add(new NpgsqlParameter { Value = hi });
            return await command.ExecuteReaderAsync(System.Data.CommandBehavior.CloseConnection, ct);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

}
