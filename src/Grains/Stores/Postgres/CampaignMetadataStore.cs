using AdManager.Grains.Abstractions.Loading;
using AdManager.Grains.Pipeline.Schema;
using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>
/// <c>campaign_metadata</c>: upsert by campaign_id straight from a job's staging, one set-based
/// <c>INSERT ... SELECT</c> per run of batches (an upsert when the target holds some of its keys already: see
/// <see cref="StagedMerge"/>), and the read-back that validates it.
/// </summary>
public sealed class CampaignMetadataStore(NpgsqlDataSource dataSource)
{
    // The loader's own checks ("Validate & Store"), as SQL over a staged row s.
    private const string Checks = "length(s.currency) = 3 AND s.daily_budget_micros >= 0 AND (s.end_date IS NULL OR s.end_date >= s.start_date)";

    /// <summary>Upserts the job's staged campaigns of batches <see cref="StagedBatches.FirstBatch"/> to <see cref="StagedBatches.LastBatch"/>, in staging order.</summary>
    public Task<StagedMergeResult> MergeStagedAsync(StagedBatches batches, CancellationToken ct) =>
        StagedMerge.RunAsync(dataSource, EntityKind.Campaigns, $"""
            SELECT s.campaign_id, CASE WHEN length(s.currency) <> 3 THEN 'currency must have 3 letters'
                                       WHEN s.daily_budget_micros < 0 THEN 'daily budget must not be negative'
                                       ELSE 'end date before start date' END
            FROM {StagingTables.BatchRange(EntityKind.Campaigns, batches.JobId, "$1", "$2")} AND NOT ({Checks})
            ORDER BY s.campaign_id
            """, InsertSql(batches.JobId), OnConflict, batches, ct);

    /// <summary>The insert of a run of staged batches (parameters as <see cref="StagedMerge"/> says); <see cref="OnConflict"/> makes it the upsert.</summary>
    internal static string InsertSql(Guid jobId) => $"""
        INSERT INTO campaign_metadata AS t (campaign_id, merchant_id, name, status, daily_budget_micros, currency, start_date,
                                            end_date, targeting, source_modified_at, migration_job_id, migrated_at)
        SELECT s.campaign_id, s.merchant_id, s.name, s.status, s.daily_budget_micros, s.currency, s.start_date,
               s.end_date, s.targeting, s.source_modified_at, $1, $4
        FROM {StagingTables.BatchRange(EntityKind.Campaigns, jobId, "$2", "$3")} AND {Checks}
        """;

    internal const string OnConflict = $"ON CONFLICT (campaign_id) DO UPDATE SET {UpdateAll}";

    private const string UpdateAll = """
        merchant_id = EXCLUDED.merchant_id, name = EXCLUDED.name, status = EXCLUDED.status,
                daily_budget_micros = EXCLUDED.daily_budget_micros, currency = EXCLUDED.currency,
                start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date, targeting = EXCLUDED.targeting,
                source_modified_at = EXCLUDED.source_modified_at, migration_job_id = EXCLUDED.migration_job_id,
                migrated_at = EXCLUDED.migrated_at
        """;

    /// <summary>The key and the stored values validation compares, staged against target.</summary>
    internal const string Key = "campaign_id";

    internal static readonly string[] ComparedValues =
        ["merchant_id", "name", "status", "daily_budget_micros", "currency", "start_date", "end_date", "targeting", "source_modified_at"];

    /// <summary>
    /// Reads the target back for the job's loaded campaigns: how many carry this job's id, and how many
    /// of those equal the staged record in every stored column. Up to <paramref name="sampleSize"/> differing keys.
    /// <paramref name="staged"/>: the staged side's sum when resolving took it, so only the target is read.
    /// </summary>
    public Task<TargetComparison> CompareAsync(Guid jobId, int sampleSize, CancellationToken ct, StagedDigest? staged = null) =>
        TargetComparison.RunAsync(dataSource, StagingTables.Name(EntityKind.Campaigns, jobId), "campaign_metadata", Key,
            ComparedValues, jobId, sampleSize, staged, ct);
}
