using Amazon.DynamoDBv2.Model;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>Reads what the targets hold for a test's id prefix.</summary>
public static class Targets
{
    /// <summary>catalog_metadata rows of the prefix, as (catalog_id, name, migration_job_id).</summary>
    public static async Task<List<(string Id, string Name, Guid JobId)>> CatalogRowsAsync(TestStack stack, string prefix)
    {
        await using var command = stack.Db.CreateCommand(
            "SELECT catalog_id, name, migration_job_id FROM catalog_metadata WHERE catalog_id LIKE $1 ORDER BY catalog_id");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = prefix + "%" });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, Guid)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetGuid(2)));
        return rows;
    }

    /// <summary>Every ProductFeeds item of the prefix (a full, paginated scan).</summary>
    public static Task<List<Dictionary<string, AttributeValue>>> ProductItemsAsync(TestStack stack, string prefix) =>
        ItemsAsync(stack, "ProductFeeds", "CatalogId", prefix);

    /// <summary>Every CampaignPerformanceLogs item of the prefix (a full, paginated scan).</summary>
    public static Task<List<Dictionary<string, AttributeValue>>> PerformanceItemsAsync(TestStack stack, string prefix) =>
        ItemsAsync(stack, "CampaignPerformanceLogs", "CampaignId", prefix);

    private static async Task<List<Dictionary<string, AttributeValue>>> ItemsAsync(TestStack stack, string table, string partitionKey, string prefix)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await stack.Dynamo.ScanAsync(new ScanRequest
            {
                TableName = table,
                FilterExpression = $"begins_with({partitionKey}, :p)",
                ExpressionAttributeValues = new() { [":p"] = new AttributeValue { S = prefix } },
                ExclusiveStartKey = start,
                ConsistentRead = true,
            });
            items.AddRange(page.Items ?? []);
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return items;
    }
}
