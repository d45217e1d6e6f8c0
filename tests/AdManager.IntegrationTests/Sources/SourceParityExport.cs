using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Sources;

/// <summary>
/// An export for comparing the file and database sources: every record-level outcome the database can hold (all but
/// <c>malformed_row</c> and <c>invalid_encoding</c>, which are about bytes of a file): superseding by time and, on a
/// tie, by line, out-of-scope records, field rejections, orphans, parent-merchant mismatches, trimming, NFC, NDJSON
/// numbers and missing keys, gzip, a catalog without products and the catalog's currency for products. Ids carry a
/// prefix unique to the test.
/// </summary>
public sealed class SourceParityExport : IDisposable
{
    public SourceParityExport()
    {
        P = "v" + Guid.NewGuid().ToString("N")[..10] + "-";
        var longName = new string('x', 256);
        Directory = new ExportDirectory()
            .Write("campaigns.csv", $"""
                campaign_id,last_modified,merchant_id,campaign_name,status,daily_budget,currency,start_date,end_date,targeting_json
                {P}c1,2024-03-01T10:00:00Z,{P}m1,Summer,active,12.5,usd,2024-03-01,,
                {P}c2,2024-03-01 09:00:00,{P}m1,"Name, with comma",Paused,100,EUR,20240301,2024-04-01,"{"{"}""geo"":""US""{"}"}"
                {P}c3,2024-03-01T10:00:00Z,{P}m1,Bad currency,active,1,XYZ,2024-03-01,,
                {P}c1,2024-03-02T10:00:00+02:00,{P}m1,Summer v2,running,13,usd,2024-03-01,,
                {P}c4,2024-03-01T10:00:00Z,{P}other,Out of scope,active,1,usd,2024-03-01,,
                {P}c5,2024-03-01T12:00:00Z,{P}m1,Tie first,draft,5,usd,2024-03-01,,
                {P}c5,2024-03-01T14:00:00+02:00,{P}m1,Tie second,pending,6,usd,2024-03-01,,
                {P}c6,2024-03-01T10:00:00Z,{P}m1,Ends early,active,1,usd,2024-03-05,2024-03-04,
                {P}c7,2024-03-01T10:00:00Z,{P}m1,{longName},active,1,usd,2024-03-01,,
                {P}c8,2024-03-01T10:00:00Z,{P}m1,Odd status,bogus,1,usd,2024-03-01,,
                {P}c9,2024-03-01T10:00:00Z,,No merchant,active,1,usd,2024-03-01,,
                  {P}c10  ,2024-03-01T10:00:00Z,  {P}m1 ,  Padded  , 1 ,0.000001, chf ,2024-02-29,2024-02-29,{"{}"}

                """.Replace("\n", "\r\n"), bom: true)
            .Write("campaign_performance.csv", $"""
                campaign_id,merchant_id,date,impressions,clicks,cost,conversions
                {P}c1,{P}m1,2024-03-01,100,10,1.5,
                {P}c1,{P}m1,20240301,200,20,2.5,3
                {P}c2,{P}m1,2024-03-01,50,60,1,0
                {P}c99,{P}m1,2024-03-01,1,0,0,0
                {P}c3,{P}m1,2024-03-01,1,0,0,0
                {P}c2,{P}m2,2024-03-02,5,1,0.25,1
                {P}c2,{P}m1,2024-03-02,5,1,0.25,1
                {P}c4,{P}other,2024-03-01,1,1,1,1
                {P}c5,{P}m1,2024-03-01,7,7,0.000001,
                {P}c10,{P}m1,2024-02-30,1,1,1,1

                """)
            .Write("catalogs.ndjson", $$"""
                {"catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","catalog_name":"Cafe\u0301","country":"fr","default_currency":"eur","last_modified":"2024-03-01T00:00:00Z"}

                {"catalog_id":"{{P}}k2","merchant_id":"{{P}}m2","catalog_name":"Empty","country":"DE","default_currency":"EUR","last_modified":"2024-03-01T00:00:00Z"}
                {"catalog_id":"{{P}}k3","merchant_id":"{{P}}m2","catalog_name":"Kosovo","country":"XK","default_currency":"EUR","last_modified":"2024-03-01T00:00:00Z"}

                """)
            .Write("products.ndjson.gz", $$"""
                {"product_id":"p1","catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","title":"Mug","price":12.5,"sale_price":"","currency":"","availability":"In Stock","gtin":"4006381333931","link":"https://shop.example/p1","last_modified":"2024-03-01T00:00:00Z"}
                {"product_id":"p2","catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","title":"Tee","description":"Soft","price":"20","sale_price":"15","currency":"usd","availability":"preorder","link":"https://shop.example/p2","image_link":"https://img.example/p2.png","last_modified":"2024-03-01T00:00:00Z"}
                {"product_id":"p3","catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","title":"Bad gtin","price":"1","availability":"in_stock","gtin":"4006381333932","link":"https://x.example","last_modified":"2024-03-01T00:00:00Z"}
                {"product_id":"p4","catalog_id":"{{P}}k9","merchant_id":"{{P}}m2","title":"Orphan","price":"1","availability":"in_stock","link":"https://x.example","last_modified":"2024-03-01T00:00:00Z"}
                {"product_id":"p5","catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","title":"Sale above price","price":"20","sale_price":"25","availability":"backorder","link":"https://x.example","last_modified":"2024-03-01T00:00:00Z"}
                {"product_id":"p6","catalog_id":"{{P}}k1","merchant_id":"{{P}}m3","title":"Other merchant","price":"1","availability":"in_stock","link":"https://x.example","last_modified":"2024-03-01T00:00:00Z"}
                {"product_id":"p7","catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","price":"1","availability":"in_stock","link":"https://x.example","last_modified":"2024-03-01T00:00:00Z"}
                {"product_id":"p1","catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","title":"Mug v2","price":13,"availability":"out of stock","link":"https://shop.example/p1","last_modified":"2024-03-02T00:00:00Z"}
                {"product_id":"p8","catalog_id":"{{P}}k1","merchant_id":"{{P}}m1","title":"Wrong merchant","price":"1","availability":"in_stock","link":"https://x.example","last_modified":"2024-03-01T00:00:00Z"}

                """);
    }

    /// <summary>The id prefix of this export.</summary>
    public string P { get; }

    public ExportDirectory Directory { get; }

    public string[] Merchants => [$"{P}m1", $"{P}m2"];

    public object FileRequest(int batchSize = 3) =>
        JobsClient.FileJob(Directory.Path, Merchants, batchSize: batchSize, maxRejectedRatio: 0.9);

    public object PostgresRequest(string schema, string credentialsRef = "legacydb", int batchSize = 3) => PostgresJob(credentialsRef, schema, Merchants, batchSize);

    public static object PostgresJob(string credentialsRef, string schema, string[]? merchants = null, int batchSize = 1000, string[]? dataTypes = null) => new
    {
        source = new { kind = "postgres", credentialsRef, schema },
        scope = new { merchantIds = merchants ?? [], dataTypes = dataTypes ?? ["CampaignData", "ProductCatalogData"] },
        options = new { batchSize, dryRun = false, maxRejectedRatio = 0.9 },
    };

    public void Dispose() => Directory.Dispose();
}
