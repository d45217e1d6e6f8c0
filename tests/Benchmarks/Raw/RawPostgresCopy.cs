using System.Diagnostics;
using AdManager.Benchmarks.Export;
using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using AdManager.Grains.Stores.Postgres;
using Npgsql;

namespace AdManager.Benchmarks.Raw;

/// <summary>
/// The PostgreSQL ceiling: binary COPY of the export's loadable campaign rows (each key once) into an empty
/// copy of <c>campaign_metadata</c> with its keys and indexes, created in its own transaction so the COPY is
/// WAL-logged like any load into an existing table. Rows are typed by the product's own rules in chunks,
/// outside the timed part; each chunk is one COPY timed until the server has committed it, so the figure is
/// the client's encoding plus the server's whole ingest, none of it hidden behind the untimed typing. The client
/// encodes with the product's own <see cref="BinaryCopyWriter"/> (the fastest encoder this repository has), so the
/// ceiling is not lowered by a slower client than the product uses.
/// </summary>
public sealed class RawPostgresCopy(string connectionString, ExportRows rows) : IAsyncDisposable
{
    private const string Table = "bench_raw_campaign_metadata";
    private const int Chunk = 50_000;

    /// <summary>
    /// One pool for every load, so each load after the first runs on the same connection, whose PostgreSQL backend the
    /// untimed loads warmed (a new backend's first large statement takes 50-60% longer: its first touches of shared
    /// memory and its caches). Kept open however long the runs between two loads take (Npgsql closes a connection idle
    /// for 5 minutes by default, and a long bench has that between its warm-ups and its interleaved loads).
    /// </summary>
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(connectionString) { ConnectionIdleLifetime = 24 * 3600 }.ConnectionString);

    /// <summary>One load into a fresh copy of the table, timed.</summary>
    public Task<RawResult> LoadAsync() => LoadAsync(_dataSource, rows);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static async Task<RawResult> LoadAsync(NpgsqlDataSource dataSource, ExportRows rows)
    {
        await ExecAsync(dataSource, $"DROP TABLE IF EXISTS {Table}");
        await ExecAsync(dataSource, $"CREATE TABLE {Table} (LIKE campaign_metadata INCLUDING ALL)");
        var jobId = Guid.CreateVersion7();
        var migratedAt = DateTime.UtcNow;
        var clock = new Stopwatch();
        long written = 0;
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            foreach (var chunk in Loadable(rows).Chunk(Chunk))
            {
                clock.Start();
                using (var stream = connection.BeginRawBinaryCopy(
                    $"COPY {Table} (campaign_id, merchant_id, name, status, daily_budget_micros, currency, start_date, end_date, targeting, source_modified_at, migration_job_id, migrated_at) FROM STDIN (FORMAT BINARY)"))
                using (var copy = new BinaryCopyWriter(stream))
                {
                    foreach (var r in chunk) Write(copy, r, jobId, migratedAt);
                    copy.Complete();
                }
                clock.Stop();
                written += chunk.Length;
            }
        }
        await ExecAsync(dataSource, $"DROP TABLE {Table}");
        return new RawResult("postgres binary COPY -> copy of campaign_metadata", written, clock.Elapsed.TotalSeconds, null);
    }

    private static IEnumerable<CampaignRecord> Loadable(ExportRows rows)
    {
        foreach (var row in rows.Rows(EntityKind.Campaigns))
        {
            if (row.Fate != RowFate.Valid) continue;
            if (RecordRules.TryCampaign(row.Values, out var record, out _)) yield return record!;
        }
    }

    private static void Write(BinaryCopyWriter copy, CampaignRecord r, Guid jobId, DateTime migratedAt)
    {
        copy.StartRow(12);
        copy.Write(r.CampaignId);
        copy.Write(r.MerchantId);
        copy.Write(r.Name);
        copy.Write(r.Status);
        copy.Write(r.DailyBudgetMicros);
        copy.Write(r.Currency);
        copy.Write(r.StartDate);
        copy.Write(r.EndDate);
        copy.WriteJsonb(r.TargetingJson);
        copy.WriteTimestampTz(r.SourceModifiedAt.UtcDateTime);
        copy.Write(jobId);
        copy.WriteTimestampTz(migratedAt);
    }

    internal static async Task ExecAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>One raw-limit measurement: <see cref="Records"/> in <see cref="Seconds"/>; <see cref="Detail"/> e.g. the concurrency.</summary>
public sealed record RawResult(string Name, long Records, double Seconds, string? Detail)
{
    public double PerSecond => Seconds > 0 ? Records / Seconds : 0;
}
