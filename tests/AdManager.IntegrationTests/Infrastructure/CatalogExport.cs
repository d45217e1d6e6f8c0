using System.Globalization;
using System.Text;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>
/// A valid catalog export of a given size (every record loads), for tests that need a job to spend
/// a while in Loading. Ids carry a prefix unique to the test; a name tag lets two exports
/// with the same keys carry different values.
/// </summary>
public sealed class CatalogExport : IDisposable
{
    public CatalogExport(int products, int productsPerCatalog = 100, string? prefix = null, string nameTag = "v1")
    {
        P = prefix ?? "t" + Guid.NewGuid().ToString("N")[..10] + "-";
        var catalogs = (products + productsPerCatalog - 1) / productsPerCatalog;
        var c = new StringBuilder("catalog_id,merchant_id,catalog_name,country,default_currency,last_modified\n");
        for (var i = 0; i < catalogs; i++) c.Append(CultureInfo.InvariantCulture, $"{P}k{i},{P}m1,Catalog {i} {nameTag},US,USD,2024-03-01T00:00:00Z\n");
        var p = new StringBuilder("product_id,catalog_id,merchant_id,title,price,availability,link,last_modified\n");
        for (var i = 0; i < products; i++)
        {
            p.Append(CultureInfo.InvariantCulture,
                $"p{i},{P}k{i / productsPerCatalog},{P}m1,Product {i} {nameTag},{1 + i % 500}.99,in_stock,https://shop.example/{P}/{i},2024-03-01T00:00:00Z\n");
        }
        Directory = new ExportDirectory().Write("catalogs.csv", c.ToString()).Write("products.csv", p.ToString());
        Catalogs = catalogs;
        Products = products;
    }

    public string P { get; }

    public int Catalogs { get; }

    public int Products { get; }

    public ExportDirectory Directory { get; }

    public object Request(int batchSize = 50) =>
        JobsClient.FileJob(Directory.Path, [$"{P}m1"], ["ProductCatalogData"], batchSize: batchSize);

    public void Dispose() => Directory.Dispose();
}
