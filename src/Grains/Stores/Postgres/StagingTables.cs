using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Grains.Stores.Postgres;

/// <summary>Staging table and key columns per entity.</summary>
internal static class StagingTables
{
    public static string Name(EntityKind entity) => entity switch
    {
        EntityKind.Campaigns => "stage_campaigns",
        EntityKind.CampaignPerformance => "stage_performance",
        EntityKind.Catalogs => "stage_catalogs",
        EntityKind.Products => "stage_products",
        _ => throw new ArgumentOutOfRangeException(nameof(entity)),
    };

    /// <summary>The entity's key: the order records go to a target in, within a batch.</summary>
    public static string KeyColumns(EntityKind entity) => entity switch
    {
        EntityKind.Campaigns => "campaign_id",
        EntityKind.CampaignPerformance => "campaign_id, date",
        EntityKind.Catalogs => "catalog_id",
        EntityKind.Products => "catalog_id, product_id",
        _ => throw new ArgumentOutOfRangeException(nameof(entity)),
    };

    /// <summary>
    /// SQL after <c>FROM stage_x s</c> that keeps the loaded rows of batches <c>$2</c> to <c>$3</c> of job <c>$1</c>:
    /// one range scan of the staging primary key (job_id, line).
    /// </summary>
    public static string BatchRange(EntityKind entity) => $"""

         CROSS JOIN (SELECT min(first_line) AS lo, max(last_line) AS hi FROM stage_batches
                     WHERE job_id = $1 AND entity = {(short)entity} AND batch_no BETWEEN $2 AND $3) span
         WHERE s.job_id = $1 AND s.outcome = 0 AND s.line BETWEEN span.lo AND span.hi
        """;
}
