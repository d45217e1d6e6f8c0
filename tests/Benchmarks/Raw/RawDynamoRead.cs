using System.Diagnostics;
using AdManager.Benchmarks.Export;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace AdManager.Benchmarks.Raw;

/// <summary>
/// What reading the items back costs (the validation phase's floor), two ways, on the raw table: BatchGetItem of
/// 100 keys per request, and Query of each partition (catalog) over the range of its loaded sort keys.
/// </summary>
public static class RawDynamoRead
{
    public static async Task<List<RawResult>> RunAsync(IAmazonDynamoDB dynamo, string table, ExportRows rows, long limit, int concurrency)
    {
        var keys = Keys(rows).Take((int)Math.Min(limit, int.MaxValue)).ToList();
        var results = new List<RawResult>();

        var clock = Stopwatch.StartNew();
        long read = 0;
        await Parallel.ForEachAsync(keys.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (chunk, ct) =>
        {
            var pending = new Dictionary<string, KeysAndAttributes>
            {
                [table] = new() { Keys = [.. chunk.Select(k => Key(k.Catalog, k.Product))], ConsistentRead = true },
            };
            while (pending is { Count: > 0 })
            {
                var response = await dynamo.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = pending }, ct);
                Interlocked.Add(ref read, response.Responses?.GetValueOrDefault(table)?.Count ?? 0);
                pending = response.UnprocessedKeys;
            }
        });
        results.Add(new RawResult("dynamodb read-back: BatchGetItem (100 keys)", read, clock.Elapsed.TotalSeconds, $"concurrency {concurrency}"));

        results.Add(await QueryAsync(dynamo, table, keys, concurrency));
        return results;
    }

    /// <summary>Every loadable item of <paramref name="rows"/> read back with Query, as validation reads a job's items.</summary>
    public static Task<RawResult> QueryAsync(IAmazonDynamoDB dynamo, string table, ExportRows rows, int concurrency) =>
        QueryAsync(dynamo, table, [.. Keys(rows)], concurrency);

    /// <summary>Query of each partition (catalog) over the range of its keys' sort keys, <paramref name="concurrency"/> partitions at once.</summary>
    private static async Task<RawResult> QueryAsync(IAmazonDynamoDB dynamo, string table, List<(string Catalog, string Product)> keys, int concurrency)
    {
        var clock = Stopwatch.StartNew();
        long read = 0;
        var partitions = keys.GroupBy(k => k.Catalog)
            .Select(g => (Catalog: g.Key, First: g.Select(k => k.Product).Min(StringComparer.Ordinal)!, Last: g.Select(k => k.Product).Max(StringComparer.Ordinal)!));
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (p, ct) =>
        {
            Dictionary<string, AttributeValue>? start = null;
            do
            {
                var page = await dynamo.QueryAsync(new QueryRequest
                {
                    TableName = table,
                    KeyConditionExpression = "CatalogId = :c AND ProductId BETWEEN :lo AND :hi",
                    ExpressionAttributeValues = new() { [":c"] = new() { S = p.Catalog }, [":lo"] = new() { S = p.First }, [":hi"] = new() { S = p.Last } },
                    ConsistentRead = true,
                    ExclusiveStartKey = start,
                }, ct);
                Interlocked.Add(ref read, page.Items?.Count ?? 0);
                start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
            }
            while (start is not null);
        });
        return new RawResult("dynamodb read-back: Query per partition", read, clock.Elapsed.TotalSeconds, $"concurrency {concurrency}");
    }

    private static Dictionary<string, AttributeValue> Key(string catalog, string product) =>
        new() { ["CatalogId"] = new() { S = catalog }, ["ProductId"] = new() { S = product } };

    private static IEnumerable<(string Catalog, string Product)> Keys(ExportRows rows)
    {
        foreach (var row in rows.Rows(EntityKind.Products))
        {
            if (row.Fate == RowFate.Valid && RecordRules.TryProduct(row.Values, out var p, out _)) yield return (p!.CatalogId, p.ProductId);
        }
    }
}
