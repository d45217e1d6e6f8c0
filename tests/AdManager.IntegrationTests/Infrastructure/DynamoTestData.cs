using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>
/// Reading and removing test items in the shared dynalite, whose data outlives a test run: a scan must
/// follow every page (a filtered scan's first page may hold none of a test's items), and tests that
/// write thousands of items remove them again.
/// </summary>
public static class DynamoTestData
{
    /// <summary>A scan over every page, as one response.</summary>
    public static async Task<ScanResponse> ScanAllAsync(this IAmazonDynamoDB dynamo, ScanRequest request)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        do
        {
            var page = await dynamo.ScanAsync(request);
            items.AddRange(page.Items ?? []);
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null);
        return new ScanResponse { Items = items, Count = items.Count };
    }

    /// <summary>Deletes every item of one partition (<paramref name="partitionKey"/> = <paramref name="value"/>).</summary>
    public static async Task DeletePartitionAsync(this IAmazonDynamoDB dynamo, string table, string partitionKey, string sortKey, string value)
    {
        var keys = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.QueryAsync(new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = "#pk = :v",
                ExpressionAttributeNames = new() { ["#pk"] = partitionKey, ["#sk"] = sortKey },
                ExpressionAttributeValues = new() { [":v"] = new AttributeValue { S = value } },
                ProjectionExpression = "#pk, #sk",
                ExclusiveStartKey = start,
            });
            keys.AddRange(page.Items ?? []);
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        await Parallel.ForEachAsync(keys.Chunk(25), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (chunk, ct) =>
        {
            var pending = new Dictionary<string, List<WriteRequest>>
            {
                [table] = chunk.Select(k => new WriteRequest { DeleteRequest = new DeleteRequest { Key = k } }).ToList(),
            };
            while (pending is { Count: > 0 })
            {
                var response = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, ct);
                pending = response.UnprocessedItems;
            }
        });
    }
}
