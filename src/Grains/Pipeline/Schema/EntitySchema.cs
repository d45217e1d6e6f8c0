namespace AdManager.Grains.Pipeline.Schema;

/// <summary>The four entities of a legacy export, in the order they are processed.</summary>
public enum EntityKind
{
    Campaigns = 0,
    CampaignPerformance = 1,
    Catalogs = 2,
    Products = 3,
}

/// <summary>One column of an entity file as the legacy-export spec lists it.</summary>
public sealed record ColumnSpec(string Name, bool Required);

/// <summary>
/// The columns of one entity, in the spec's table order. That order is the order in which the field
/// checks run, and the index of a column here is its index in <c>SourceRecord.Values</c>.
/// </summary>
public sealed class EntitySchema
{
    private readonly Dictionary<string, int> _index;

    private EntitySchema(EntityKind kind, string name, string dataType, params ColumnSpec[] columns)
    {
        Kind = kind;
        Name = name;
        DataType = dataType;
        Columns = columns;
        _index = columns.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
    }

    public EntityKind Kind { get; }

    /// <summary>The entity's name in file names, reports and rejections: <c>campaigns</c>, <c>campaign_performance</c>, ...</summary>
    public string Name { get; }

    /// <summary><c>CampaignData</c> or <c>ProductCatalogData</c>.</summary>
    public string DataType { get; }

    public IReadOnlyList<ColumnSpec> Columns { get; }

    /// <summary>The column's index, or -1 when the entity has no such column (header names are case-sensitive).</summary>
    public int IndexOf(string column) => _index.TryGetValue(column, out var i) ? i : -1;

    public static readonly EntitySchema Campaigns = new(
        EntityKind.Campaigns, "campaigns", "CampaignData",
        new("campaign_id", true),
        new("merchant_id", true),
        new("campaign_name", true),
        new("status", true),
        new("daily_budget", true),
        new("currency", true),
        new("start_date", true),
        new("end_date", false),
        new("targeting_json", false),
        new("last_modified", true));

    public static readonly EntitySchema CampaignPerformance = new(
        EntityKind.CampaignPerformance, "campaign_performance", "CampaignData",
        new("campaign_id", true),
        new("merchant_id", true),
        new("date", true),
        new("impressions", true),
        new("clicks", true),
        new("cost", true),
        new("conversions", false));

    public static readonly EntitySchema Catalogs = new(
        EntityKind.Catalogs, "catalogs", "ProductCatalogData",
        new("catalog_id", true),
        new("merchant_id", true),
        new("catalog_name", true),
        new("country", true),
        new("default_currency", true),
        new("last_modified", true));

    public static readonly EntitySchema Products = new(
        EntityKind.Products, "products", "ProductCatalogData",
        new("product_id", true),
        new("catalog_id", true),
        new("merchant_id", true),
        new("title", true),
        new("description", false),
        new("price", true),
        new("sale_price", false),
        new("currency", false),
        new("availability", true),
        new("gtin", false),
        new("link", true),
        new("image_link", false),
        new("last_modified", true));

    /// <summary>All entities in processing order (parents before their children).</summary>
    public static IReadOnlyList<EntitySchema> All { get; } = [Campaigns, CampaignPerformance, Catalogs, Products];

    public static EntitySchema For(EntityKind kind) => All[(int)kind];
}
