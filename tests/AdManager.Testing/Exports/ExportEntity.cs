namespace AdManager.Testing.Exports;

/// <summary>The four entities of a legacy export (spec: "Layout").</summary>
public enum ExportEntity
{
    Campaigns = 0,
    CampaignPerformance = 1,
    Catalogs = 2,
    Products = 3,
}

/// <summary>The spec's column tables, written down again here so tests do not measure the product with itself.</summary>
public static class ExportColumns
{
    public static IReadOnlyList<ExportEntity> All { get; } =
        [ExportEntity.Campaigns, ExportEntity.CampaignPerformance, ExportEntity.Catalogs, ExportEntity.Products];

    private static readonly string[][] Columns =
    [
        ["campaign_id", "merchant_id", "campaign_name", "status", "daily_budget", "currency", "start_date", "end_date", "targeting_json", "last_modified"],
        ["campaign_id", "merchant_id", "date", "impressions", "clicks", "cost", "conversions"],
        ["catalog_id", "merchant_id", "catalog_name", "country", "default_currency", "last_modified"],
        ["product_id", "catalog_id", "merchant_id", "title", "description", "price", "sale_price", "currency", "availability", "gtin", "link", "image_link", "last_modified"],
    ];

    private static readonly HashSet<string>[] Optional =
    [
        ["end_date", "targeting_json"],
        ["conversions"],
        [],
        ["description", "sale_price", "currency", "gtin", "image_link"],
    ];

    /// <summary>The entity's name in file names, reports and rejections.</summary>
    public static string Name(ExportEntity entity) => entity switch
    {
        ExportEntity.Campaigns => "campaigns",
        ExportEntity.CampaignPerformance => "campaign_performance",
        ExportEntity.Catalogs => "catalogs",
        _ => "products",
    };

    public static string DataType(ExportEntity entity) =>
        entity is ExportEntity.Campaigns or ExportEntity.CampaignPerformance ? "CampaignData" : "ProductCatalogData";

    /// <summary>Columns in the spec's table order, the order the field checks run in.</summary>
    public static IReadOnlyList<string> Of(ExportEntity entity) => Columns[(int)entity];

    public static int IndexOf(ExportEntity entity, string column)
    {
        var i = Array.IndexOf(Columns[(int)entity], column);
        return i >= 0 ? i : throw new ArgumentException($"{Name(entity)} has no column {column}", nameof(column));
    }

    public static bool IsRequired(ExportEntity entity, string column) => !Optional[(int)entity].Contains(column);

    /// <summary>The id column a rejection's key is made of (with the date for performance rows).</summary>
    public static string IdColumn(ExportEntity entity) => entity switch
    {
        ExportEntity.Campaigns or ExportEntity.CampaignPerformance => "campaign_id",
        ExportEntity.Catalogs => "catalog_id",
        _ => "product_id",
    };
}
