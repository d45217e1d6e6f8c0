using System.Globalization;
using AdManager.Grains.Pipeline.Schema;

namespace AdManager.Benchmarks.Export;

/// <summary>
/// The rows of a synthetic legacy export: deterministic for a seed, realistic value sizes (names 20-80 chars,
/// descriptions 0-500, URLs, targeting JSON), <see cref="ExportShape.RejectPerMille"/> rows failing a field check
/// and <see cref="ExportShape.SupersedePerMille"/> rows repeating the key of a recent row with a later
/// <c>last_modified</c>. Every row is a pure function of (seed, entity, row number): nothing is kept in memory.
/// </summary>
public sealed class ExportRows(ulong seed, ExportShape shape)
{
    private const int FateStream = 0;
    private const int ValueStream = 16;
    private const int Lookback = 500;

    private static readonly string[] Statuses = ["active", "Active", "enabled", "running", "paused", "PAUSED", "on_hold", "archived", "draft", "1", "0"];
    private static readonly string[] Availabilities = ["in_stock", "In Stock", "out_of_stock", "preorder", "backorder", "IN_STOCK"];

    public ExportShape Shape => shape;

    public IEnumerable<GeneratedRow> Rows(EntityKind entity)
    {
        var count = entity switch
        {
            EntityKind.Campaigns => shape.Campaigns,
            EntityKind.CampaignPerformance => shape.Campaigns == 0 ? 0 : shape.Performance,
            EntityKind.Catalogs => shape.Catalogs,
            _ => shape.Products,
        };
        for (long r = 0; r < count; r++) yield return Row(entity, r);
    }

    public GeneratedRow Row(EntityKind entity, long r)
    {
        var fate = Fate(entity, r, out var original);
        if (fate == RowFate.Superseding)
        {
            var values = Valid(entity, original, out var instant);
            // Same key, a later instant (performance rows have none: the later line wins) and a changed value.
            var later = instant.AddMinutes(r - original);
            var lastModified = EntitySchema.For(entity).IndexOf("last_modified");
            if (lastModified >= 0) values[lastModified] = later.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            if (entity == EntityKind.CampaignPerformance) values[6] = (r % 1000).ToString(CultureInfo.InvariantCulture);
            else values[entity == EntityKind.Campaigns ? 2 : 3] += " v2";
            return new GeneratedRow(r, fate, values);
        }

        var row = Valid(entity, r, out _);
        if (fate == RowFate.Rejected)
        {
            var rng = Rng.ForRow(seed, FateStream + 8 + (int)entity, r);
            Corrupt(entity, row, ref rng);
        }
        return new GeneratedRow(r, fate, row);
    }

    /// <summary>The catalog's default currency as stored (upper case): what a product without a currency gets.</summary>
    public string CatalogCurrency(long catalog) => Valid(EntityKind.Catalogs, catalog, out _)[4]!.ToUpperInvariant();

    public string CampaignId(long r) => $"{shape.Prefix}c{r:D9}";

    public string CatalogId(long k) => $"{shape.Prefix}k{k:D6}";

    private string Merchant(long i) => $"{shape.Prefix}m{i % shape.Merchants:D5}";

    private RowFate Fate(EntityKind entity, long r, out long original)
    {
        original = -1;
        // Catalogs are parents: all valid, so products are rejected only for their own fields.
        if (entity == EntityKind.Catalogs) return RowFate.Valid;
        var roll = Roll(entity, r, out var rng);
        if (roll < (ulong)shape.RejectPerMille) return RowFate.Rejected;
        if (roll >= (ulong)(shape.RejectPerMille + shape.SupersedePerMille) || r == 0) return RowFate.Valid;
        var j = r - 1 - rng.Long(0, Math.Min(r, Lookback));
        // Only a plain valid row is repeated; otherwise this row is a plain valid row itself.
        if (Roll(entity, j, out _) < (ulong)(shape.RejectPerMille + shape.SupersedePerMille)) return RowFate.Valid;
        original = j;
        return RowFate.Superseding;
    }

    private ulong Roll(EntityKind entity, long r, out Rng rng)
    {
        rng = Rng.ForRow(seed, FateStream + (int)entity, r);
        return rng.Next() % 1000;
    }

    private string?[] Valid(EntityKind entity, long r, out DateTime instant)
    {
        var rng = Rng.ForRow(seed, ValueStream + (int)entity, r);
        instant = Values.Instant(ref rng);
        return entity switch
        {
            EntityKind.Campaigns => Campaign(r, instant, ref rng),
            EntityKind.CampaignPerformance => Performance(r, ref rng),
            EntityKind.Catalogs => Catalog(r, instant, ref rng),
            _ => Product(r, instant, ref rng),
        };
    }

    private string?[] Campaign(long r, DateTime instant, ref Rng rng)
    {
        var name = Values.Text(ref rng, 20, 80);
        var status = rng.Pick(Statuses);
        var budget = Values.Money(ref rng, 1, 5000);
        var currency = rng.Pick(Values.Currencies);
        var start = Values.Day(ref rng);
        var startText = Values.Date(ref rng, start);
        var end = rng.PerMille(400) ? "" : Values.Date(ref rng, start.AddDays(rng.Int(0, 365)));
        var targeting = Values.Targeting(ref rng);
        return [CampaignId(r), Merchant(r), name, status, budget, currency, startText, end, targeting, Values.Timestamp(ref rng, instant)];
    }

    private string?[] Performance(long r, ref Rng rng)
    {
        var campaign = r % shape.Campaigns;
        var day = DateOnly.FromDateTime(new DateTime(2024, 1, 1)).AddDays((int)(r / shape.Campaigns));
        var impressions = rng.Int(0, 100_000);
        var clicks = rng.Int(0, impressions / 10 + 1);
        var conversions = rng.PerMille(300) ? "" : rng.Int(0, clicks + 1).ToString(CultureInfo.InvariantCulture);
        return [CampaignId(campaign), Merchant(campaign), Values.Date(ref rng, day), impressions.ToString(CultureInfo.InvariantCulture),
            clicks.ToString(CultureInfo.InvariantCulture), Values.Money(ref rng, 0, 500), conversions];
    }

    private string?[] Catalog(long k, DateTime instant, ref Rng rng)
    {
        var name = Values.Text(ref rng, 20, 80);
        var country = rng.Pick(Values.CountryCodes);
        var currency = rng.Pick(Values.Currencies);
        return [CatalogId(k), Merchant(k), name, country, currency, Values.Timestamp(ref rng, instant)];
    }

    private string?[] Product(long r, DateTime instant, ref Rng rng)
    {
        var catalog = r / ExportShape.ProductsPerCatalog;
        var merchant = Merchant(catalog);
        var title = Values.Text(ref rng, 20, 80);
        var description = Values.Description(ref rng);
        var cents = rng.Long(100, 200_000);
        var sale = rng.PerMille(300) ? Cents(cents * rng.Int(50, 100) / 100) : "";
        var currency = rng.PerMille(500) ? "" : rng.Pick(Values.Currencies);
        var availability = rng.Pick(Availabilities);
        var gtin = rng.PerMille(600) ? Values.Gtin13(ref rng) : "";
        var link = $"https://shop-{merchant}.example.com/products/{Values.Slug(title)}-{r}";
        var image = rng.PerMille(800) ? $"https://cdn.example.com/images/{rng.Next() & 0xFFFFFF:x6}/{r}.jpg" : "";
        return [$"{shape.Prefix}p{r:D9}", CatalogId(catalog), merchant, title, description, Cents(cents), sale, currency,
            availability, gtin, link, image, Values.Timestamp(ref rng, instant)];
    }

    private static string Cents(long cents) =>
        (cents / 100).ToString(CultureInfo.InvariantCulture) + "." + (cents % 100).ToString("00", CultureInfo.InvariantCulture);

    /// <summary>One field check fails, so the row is rejected with that field's reason.</summary>
    private static void Corrupt(EntityKind entity, string?[] values, ref Rng rng)
    {
        var which = rng.Int(0, 5);
        switch (entity)
        {
            case EntityKind.Campaigns:
                if (which == 0) values[5] = "XYZ";
                else if (which == 1) values[6] = "2024-02-30";
                else if (which == 2) values[3] = "unknown";
                else if (which == 3) values[2] = "";
                else values[4] = "-5";
                break;
            case EntityKind.CampaignPerformance:
                values[4] = "1000001";
                values[3] = "1000000";
                break;
            default:
                if (which == 0) values[9] = Values.Gtin13(ref rng, valid: false);
                else if (which == 1) values[5] = "0";
                else if (which == 2) values[10] = "ftp://files.example.com/feed";
                else if (which == 3) values[8] = "maybe";
                else values[3] = "";
                break;
        }
    }
}
