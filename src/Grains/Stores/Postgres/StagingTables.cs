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

    /// <summary>The entity's key, the order batches are numbered in.</summary>
    public static string KeyColumns(EntityKind entity) => entity switch
    {
        EntityKind.Campaigns => "campaign_id",
        EntityKind.CampaignPerformance => "campaign_id, date",
        EntityKind.Catalogs => "catalog_id",
        EntityKind.Products => "catalog_id, product_id",
        _ => throw new ArgumentOutOfRangeException(nameof(entity)),
    };
}
