using AdManager.Grains.Pipeline.Schema;

namespace AdManager.UnitTests.Transform;

/// <summary>Valid raw rows per entity, changed column by column by name.</summary>
internal static class TestRows
{
    /// <summary>A value no format accepts: '?' is no id character and U+0007 is a control character.</summary>
    public const string Broken = "?\u0007";

    public static readonly IReadOnlyDictionary<string, string?> ValidCampaign = new Dictionary<string, string?>
    {
        ["campaign_id"] = "cmp-1",
        ["merchant_id"] = "m_1",
        ["campaign_name"] = "Spring sale",
        ["status"] = "active",
        ["daily_budget"] = "12.5",
        ["currency"] = "usd",
        ["start_date"] = "2024-03-01",
        ["end_date"] = "2024-03-31",
        ["targeting_json"] = "{\"geo\":[\"US\"]}",
        ["last_modified"] = "2024-03-01T10:00:00+02:00",
    };

    public static readonly IReadOnlyDictionary<string, string?> ValidPerformance = new Dictionary<string, string?>
    {
        ["campaign_id"] = "cmp-1",
        ["merchant_id"] = "m_1",
        ["date"] = "2024-03-02",
        ["impressions"] = "1000",
        ["clicks"] = "10",
        ["cost"] = "3.25",
        ["conversions"] = "2",
    };

    public static readonly IReadOnlyDictionary<string, string?> ValidCatalog = new Dictionary<string, string?>
    {
        ["catalog_id"] = "cat.1",
        ["merchant_id"] = "m_1",
        ["catalog_name"] = "Main catalog",
        ["country"] = "de",
        ["default_currency"] = "eur",
        ["last_modified"] = "2024-03-01 10:00:00",
    };

    public static readonly IReadOnlyDictionary<string, string?> ValidProduct = new Dictionary<string, string?>
    {
        ["product_id"] = "p-1",
        ["catalog_id"] = "cat.1",
        ["merchant_id"] = "m_1",
        ["title"] = "Blue shirt",
        ["description"] = "Cotton, size M",
        ["price"] = "19.99",
        ["sale_price"] = "15",
        ["currency"] = "EUR",
        ["availability"] = "in stock",
        ["gtin"] = "4006381333931",
        ["link"] = "https://shop.example/p-1",
        ["image_link"] = "https://img.example/p-1.jpg",
        ["last_modified"] = "2024-03-01T08:00:00Z",
    };

    public static IReadOnlyDictionary<string, string?> Valid(EntityKind kind) => kind switch
    {
        EntityKind.Campaigns => ValidCampaign,
        EntityKind.CampaignPerformance => ValidPerformance,
        EntityKind.Catalogs => ValidCatalog,
        _ => ValidProduct,
    };

    public static string?[] Campaign(params (string Column, string? Value)[] changes) => Build(EntityKind.Campaigns, changes);

    public static string?[] Performance(params (string Column, string? Value)[] changes) => Build(EntityKind.CampaignPerformance, changes);

    public static string?[] Catalog(params (string Column, string? Value)[] changes) => Build(EntityKind.Catalogs, changes);

    public static string?[] Product(params (string Column, string? Value)[] changes) => Build(EntityKind.Products, changes);

    public static string?[] Build(EntityKind kind, params (string Column, string? Value)[] changes)
    {
        var schema = EntitySchema.For(kind);
        var valid = Valid(kind);
        var values = schema.Columns.Select(c => valid[c.Name]).ToArray();
        foreach (var (column, value) in changes)
        {
            values[IndexOf(schema, column)] = value;
        }

        return values;
    }

    /// <summary>Every column after <paramref name="column"/> gets <see cref="Broken"/>.</summary>
    public static string?[] BreakAfter(EntityKind kind, string?[] values, string column)
    {
        var schema = EntitySchema.For(kind);
        var copy = (string?[])values.Clone();
        for (var i = IndexOf(schema, column) + 1; i < copy.Length; i++)
        {
            copy[i] = Broken;
        }

        return copy;
    }

    private static int IndexOf(EntitySchema schema, string column)
    {
        var i = schema.IndexOf(column);
        return i >= 0 ? i : throw new ArgumentException($"{schema.Name} has no column {column}");
    }
}
