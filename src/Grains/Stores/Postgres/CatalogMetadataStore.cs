using AdManager.Grains.Abstractions.Loading;
using AdManager.Grains.Pipeline.Schema;
using Npgsql;

namespace AdManager.Grains.Stores.Postgres;

/// <summary><c>catalog_metadata</c>: upsert by catalog_id from staging and read-back, as <see cref="CampaignMetadataStore"/> does.</summary>
public sealed class CatalogMetadataStore(NpgsqlDataSource dataSource)
{
    private const string Checks = "length(s.country) = 2 AND length(s.default_currency) = 3 AND s.product_count >= 0";

    private const string UpdateAll = """
        merchant_id = EXCLUDED.merchant_id, name = EXCLUDED.name, country = EXCLUDED.country,
                default_currency = EXCLUDED.default_currency, product_count = EXCLUDED.product_count,
                source_modified_at = EXCLUDED.source_modified_at, migration_job_id = EXCLUDED.migration_job_id,
                migrated_at = EXCLUDED.migrated_at
        """;

    /// <summary>Upserts the job's staged catalogs of batches <see cref="StagedBatches.FirstBatch"/> to <see cref="StagedBatches.LastBatch"/>, in staging order.</summary>
    public Task<StagedMergeResult> MergeStagedAsync(StagedBatches batches, CancellationToken ct) =>
        StagedMerge.RunAsync(dataSource, EntityKind.Catalogs, $"""
            SELECT s.catalog_id, CASE WHEN length(s.country) <> 2 THEN 'country must have 2 letters'
                                      WHEN length(s.default_currency) <> 3 THEN 'default currency must have 3 letters'
                                      ELSE 'negative product count' END
            FROM {StagingTables.BatchRange(EntityKind.Catalogs, batches.JobId, "$1", "$2")} AND NOT ({Checks})
            ORDER BY s.catalog_id
            """, $"""
            INSERT INTO catalog_metadata AS t (catalog_id, merchant_id, name, country, default_currency, product_count,
                                               source_modified_at, migration_job_id, migrated_at)
            SELECT s.catalog_id, s.merchant_id, s.name, s.country, s.default_currency, s.product_count,
                   s.source_modified_at, $1, $4
            FROM {StagingTables.BatchRange(EntityKind.Catalogs, batches.JobId, "$2", "$3")} AND {Checks}
            """, $"ON CONFLICT (catalog_id) DO UPDATE SET {UpdateAll}", batches, ct);

    /// <summary>Reads the target back for the job's loaded catalogs (see <see cref="CampaignMetadataStore.CompareAsync"/>).</summary>
    public Task<TargetComparison> CompareAsync(Guid jobId, int sampleSize, CancellationToken ct) =>
        TargetComparison.RunAsync(dataSource, StagingTables.Name(EntityKind.Catalogs, jobId), "catalog_metadata", "catalog_id",
            ["merchant_id", "name", "country", "default_currency", "product_count", "source_modified_at"],
            jobId, sampleSize, staged: null, ct);
}
