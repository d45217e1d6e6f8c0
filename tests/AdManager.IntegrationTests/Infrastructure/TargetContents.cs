using System.Globalization;
using AdManager.Testing.Exports;
using Amazon.DynamoDBv2.Model;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>What a job wrote to the four targets (rows and items carrying its job id), in the shape of the spec's model.</summary>
public sealed record TargetContents(
    List<StoredCampaign> Campaigns,
    List<StoredPerformance> Performance,
    List<StoredCatalog> Catalogs,
    List<StoredProduct> Products)
{
    public long Count => Campaigns.Count + Performance.Count + Catalogs.Count + Products.Count;

    public static async Task<TargetContents> ReadAsync(TestStack stack, Guid jobId)
    {
        var campaigns = new List<StoredCampaign>();
        await using (var command = stack.Db.CreateCommand("""
            SELECT campaign_id, merchant_id, name, status, daily_budget_micros, currency, start_date, end_date, targeting::text, source_modified_at
            FROM campaign_metadata WHERE migration_job_id = $1 ORDER BY campaign_id
            """))
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = jobId });
            await using var r = await command.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                campaigns.Add(new StoredCampaign(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetString(5),
                    r.GetFieldValue<DateOnly>(6), r.IsDBNull(7) ? null : r.GetFieldValue<DateOnly>(7), r.GetString(8), Utc(r.GetFieldValue<DateTime>(9))));
            }
        }

        var catalogs = new List<StoredCatalog>();
        await using (var command = stack.Db.CreateCommand("""
            SELECT catalog_id, merchant_id, name, country, default_currency, source_modified_at, product_count
            FROM catalog_metadata WHERE migration_job_id = $1 ORDER BY catalog_id
            """))
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = jobId });
            await using var r = await command.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                catalogs.Add(new StoredCatalog(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    Utc(r.GetFieldValue<DateTime>(5)), r.GetInt64(6)));
            }
        }

        var performance = (await ScanAsync(stack, "CampaignPerformanceLogs", jobId)).Select(i => new StoredPerformance(
            i["CampaignId"].S, i["MerchantId"].S, DateOnly.ParseExact(i["Date"].S, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            N(i["Impressions"]), N(i["Clicks"]), N(i["CostMicros"]), N(i["Conversions"]))).ToList();
        var products = (await ScanAsync(stack, "ProductFeeds", jobId)).Select(i => new StoredProduct(
            i["ProductId"].S, i["CatalogId"].S, i["MerchantId"].S, i["Title"].S, S(i, "Description"), N(i["PriceMicros"]),
            i.TryGetValue("SalePriceMicros", out var sale) ? N(sale) : null, S(i, "Currency"), i["Availability"].S, S(i, "Gtin"), i["Link"].S,
            S(i, "ImageLink"), Instant(i["SourceModifiedAt"].S))).ToList();
        return new TargetContents(campaigns, performance, catalogs, products);
    }

    /// <summary>PostgreSQL's own text of a jsonb value, to compare JSON the way the target stores it.</summary>
    public static async Task<string> JsonbTextAsync(TestStack stack, string json)
    {
        await using var command = stack.Db.CreateCommand("SELECT $1::jsonb::text");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = json });
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>timestamptz holds microseconds; finer digits are dropped on the way in.</summary>
    public static DateTimeOffset Microseconds(DateTimeOffset instant) => new(instant.UtcTicks - (instant.UtcTicks % 10), TimeSpan.Zero);

    private static async Task<List<Dictionary<string, AttributeValue>>> ScanAsync(TestStack stack, string table, Guid jobId)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await stack.Dynamo.ScanAsync(new ScanRequest
            {
                TableName = table,
                FilterExpression = "MigrationJobId = :job",
                ExpressionAttributeValues = new() { [":job"] = new AttributeValue { S = jobId.ToString() } },
                ExclusiveStartKey = start,
            });
            items.AddRange(page.Items ?? []);
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        Assert.All(items, i => Assert.True(i.ContainsKey("MigratedAt"), "every item carries MigratedAt"));
        return items;
    }

    private static long N(AttributeValue value) => long.Parse(value.N, NumberStyles.None, CultureInfo.InvariantCulture);

    private static string? S(Dictionary<string, AttributeValue> item, string name)
    {
        if (!item.TryGetValue(name, out var value)) return null;
        Assert.False(string.IsNullOrEmpty(value.S), $"{name} is present but empty: empty optional fields must be absent");
        return value.S;
    }

    private static DateTimeOffset Instant(string text)
    {
        Assert.EndsWith("Z", text);
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
