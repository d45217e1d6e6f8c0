using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Jobs;

/// <summary>
/// A small export touching every outcome of the spec: CSV with BOM, CRLF, odd column order, an unknown
/// column, quoted commas and line breaks, a byte that is no UTF-8, an unclosed quote; CSV with CR line
/// ends; NDJSON with blank lines, null, an unknown key, a tie on last_modified spelled two ways; gzip
/// NDJSON with numbers, NFC text, a 7-digit fraction, a superseded earlier line; out-of-scope merchants,
/// field rejections, orphans, a parent-merchant mismatch, and a catalog without products. Ids carry a
/// prefix unique to the test, so assertions see only this export's rows.
/// </summary>
public sealed class EndToEndExport : IDisposable
{
    public EndToEndExport()
    {
        P = "t" + Guid.NewGuid().ToString("N")[..10] + "-";
        Directory = new ExportDirectory()
            .WriteBytes("campaigns.csv", WithRawByte($""""
                campaign_id,last_modified,merchant_id,campaign_name,status,daily_budget,currency,start_date,end_date,targeting_json,notes
                {P}c1,2024-03-01T10:00:00Z,{P}m1,Summer,active,12.5,usd,2024-03-01,,,
                {P}c2,2024-03-01 09:00:00,{P}m1,"Name, with comma",Paused,100,EUR,20240301,2024-04-01,"{"{"}""geo"":""US""{"}"}",x
                {P}c3,2024-03-01T10:00:00Z,{P}m1,Bad currency,active,1,XYZ,2024-03-01,,,
                {P}c1,2024-03-02T10:00:00+02:00,{P}m1,Summer v2,running,13,usd,2024-03-01,,,
                {P}c4,2024-03-01T10:00:00Z,{P}other,Out of scope,active,1,usd,2024-03-01,,,
                {P}c5,2024-03-01 08:00:00,{P}m1,"Multi
                line ""quoted""",Pending,0.000001,xts,2024-03-01,2024-03-01, ,"a, b"
                {P}c6,2024-03-01T10:00:00Z,{P}m1,Bad byte {Marker} here,active,1,usd,2024-03-01,,,
                {P}c7,2024-03-01T10:00:00Z,{P}m1,"Unclosed name,active,1,usd,2024-03-01,,,

                """".Replace("\n", "\r\n"), bom: true))
            .Write("campaign_performance.csv", $"""
                campaign_id,merchant_id,date,impressions,clicks,cost,conversions
                {P}c1,{P}m1,2024-03-01,100,10,1.5,
                {P}c1,{P}m1,20240301,200,20,2.5,3
                {P}c2,{P}m1,2024-03-01,50,60,1,0
                {P}c9,{P}m1,2024-03-01,1,0,0,0
                {P}c3,{P}m1,2024-03-01,1,0,0,0
                {P}c2,{P}m2,2024-03-02,5,1,0.25,1
                {P}c2,{P}m1,2024-03-02,5,1,0.25,1

                """.Replace("\n", "\r"))
            .Write("catalogs.ndjson", $$"""
                {"catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","catalog_name":"Cafe\u0301","country":"fr","default_currency":"eur","last_modified":"2024-03-01T00:00:00Z"}

                {"catalog_id":"{{P}}k2","merchant_id":"{{P}}m2","catalog_name":"Empty","country":"DE","default_currency":"EUR","last_modified":"2024-03-01T00:00:00Z"}
                {"catalog_id":"{{P}}k2","merchant_id":"{{P}}m2","catalog_name":"Empty v2","country":"de","default_currency":"EUR","last_modified":"2024-03-01T02:00:00+02:00","legacy":true}
                {"catalog_id":"{{P}}k3","merchant_id":"{{P}}m2","catalog_name":null,"country":"DE","default_currency":"EUR","last_modified":"2024-03-01T00:00:00Z"}

                """)
            .WriteBytes("products.ndjson.gz", WithRawByte($$"""
                {"product_id":"p1","catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","title":"Mug","price":12.5,"sale_price":"","currency":"","availability":"In Stock","gtin":"4006381333931","link":"https://shop.example/p1","last_modified":"2024-03-01T00:00:00Z"}
                {"product_id":"p2","catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","title":"Tee","description":"Soft","price":"20","sale_price":"15","currency":"usd","availability":"preorder","link":"https://shop.example/p2","image_link":"https://img.example/p2.png","last_modified":"2024-03-01T00:00:00Z"}
                {"product_id":"p3","catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","title":"Bad gtin","price":"1","availability":"in_stock","gtin":"4006381333932","link":"https://x.example","last_modified":"2024-03-01T00:00:00Z"}
                not json
                {"product_id":"p4","catalog_id":"{{P}}k9","merchant_id":"{{P}}m2","title":"Orphan","price":"1","availability":"in_stock","link":"https://x.example","last_modified":"2024-03-01T00:00:00Z"}
                {"product_id":"p2","catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","title":"Tee old","price":"19","availability":"in_stock","link":"https://shop.example/p2","last_modified":"2024-02-01T00:00:00Z"}
                {"product_id":"p5","catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","title":" Cafe\u0301 mug ","description":"Tab\tseparated","price":0.99,"sale_price":"0.990000","currency":null,"availability":"Out Of Stock","link":"HTTP://Shop.Example:8080/p5","last_modified":"2024-03-01t10:00:00.1234567z","legacy_flag":"Y"}
                {"product_id":"p6","catalog_id":"{{P}}k1","merchant_id":"{{P}}other","title":"Out of scope","price":"1","availability":"in_stock","link":"https://x.example","last_modified":"2024-03-01T00:00:00Z"}
                {"product_id":"p7","catalog_id":"{{P}}k1","merchant_id":"{{P}}m2","title":"Bad {{Marker}} byte","price":"1","availability":"in_stock","link":"https://x.example","last_modified":"2024-03-01T00:00:00Z"}

                """, bom: false));
    }

    /// <summary>Stands for the byte 0xFF, which is no UTF-8, in the texts above.</summary>
    private const char Marker = '\u0001';

    private static byte[] WithRawByte(string text, bool bom)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text).Select(b => b == (byte)Marker ? (byte)0xFF : b);
        return bom ? [0xEF, 0xBB, 0xBF, .. bytes] : [.. bytes];
    }

    /// <summary>The id prefix of this export.</summary>
    public string P { get; }

    public ExportDirectory Directory { get; }

    public string[] Merchants => [$"{P}m1", $"{P}m2"];

    /// <summary>12 of 26 in-scope records are rejected by design.</summary>
    public object Request(bool dryRun = false, int batchSize = 1000, double maxRejectedRatio = 0.5) =>
        JobsClient.FileJob(Directory.Path, Merchants, batchSize: batchSize, dryRun: dryRun, maxRejectedRatio: maxRejectedRatio);

    public void Dispose() => Directory.Dispose();
}
