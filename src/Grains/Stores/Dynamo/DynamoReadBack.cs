using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using AdManager.Grains.Telemetry;
using Microsoft.Extensions.Options;
using Item = System.Collections.Generic.Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>;

namespace AdManager.Grains.Stores.Dynamo;

/// <summary>
/// Post-load validation on DynamoDB: reads back exactly the keys a job loaded and compares each item with
/// the item the job meant to write. A run of items in one partition is read with one Query over the range of
/// its sort keys (one request and one range scan per page, several times cheaper per item than
/// BatchGetItem's point reads); short runs, and ranges that turn out to hold many foreign items, are fetched
/// by key with BatchGetItem, 100 keys per request. Requests run several at once.
/// </summary>
public sealed class DynamoReadBack(IAmazonDynamoDB dynamo, IOptions<DynamoOptions> options, MigrationMetrics metrics)
{
    private const int MaxKeysPerRequest = 100;

    /// <summary>Runs shorter than this are fetched by key: a Query would cost about as much.</summary>
    private const int QueryMinItems = 50;

    /// <summary>
    /// Counts of <paramref name="expected"/> (the items as loaded, ordered by partition and then sort key) found
    /// with this job's id and equal in every attribute, and the first <paramref name="sampleSize"/> differing keys
    /// in key-text order (so the sample does not depend on how the items were split up).
    /// </summary>
    public async Task<(long Found, long Matched, List<string> Differing)> CompareAsync(
        string table, IReadOnlyList<Item> expected, string jobId, int sampleSize, CancellationToken ct)
    {
        var (partitionKey, sortKey) = DynamoItems.KeyNames(table);
        var work = new List<(Item[] Items, bool Query)>();
        var singles = new List<Item>();
        foreach (var run in Runs(expected, partitionKey))
        {
            if (run.Length >= QueryMinItems) work.Add((run, true));
            else singles.AddRange(run);
        }
        work.AddRange(singles.Chunk(MaxKeysPerRequest).Select(chunk => (chunk, false)));

        long found = 0, matched = 0;
        var differing = new SortedSet<string>(StringComparer.Ordinal);
        var gate = new object();
        await Parallel.ForEachAsync(work,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.RequestConcurrency, CancellationToken = ct },
            async (w, token) =>
            {
                var actual = (w.Query ? await QueryRangeAsync(table, partitionKey, sortKey, w.Items, token) : null)
                    ?? await GetAsync(table, w.Items, partitionKey, sortKey, token);
                foreach (var item in w.Items)
                {
                    var keyText = DynamoItems.KeyText(item, table);
                    actual.TryGetValue(keyText, out var stored);
                    var isFound = stored is not null && stored.TryGetValue("MigrationJobId", out var id) && id.S == jobId;
                    var isSame = isFound && DynamoItems.SameItem(item, stored);
                    lock (gate)
                    {
                        if (isFound) found++;
                        if (isSame) matched++;
                        else AddToSample(differing, keyText, sampleSize);
                    }
                }
            });
        return (found, matched, [.. differing]);
    }

    /// <summary>Keeps the <paramref name="size"/> smallest keys.</summary>
    public static void AddToSample(SortedSet<string> sample, string key, int size)
    {
        if (size <= 0) return;
        sample.Add(key);
        if (sample.Count > size) sample.Remove(sample.Max!);
    }

    /// <summary>Consecutive items with the same partition key.</summary>
    private static IEnumerable<Item[]> Runs(IReadOnlyList<Item> items, string partitionKey)
    {
        var start = 0;
        for (var i = 1; i <= items.Count; i++)
        {
            if (i < items.Count && items[i][partitionKey].S == items[start][partitionKey].S) continue;
            yield return [.. items.Skip(start).Take(i - start)];
            start = i;
        }
    }

    /// <summary>The partition's items between the run's first and last sort key; null when the range holds far more than the run.</summary>
    private async Task<Dictionary<string, Item>?> QueryRangeAsync(string table, string partitionKey, string sortKey, Item[] run, CancellationToken ct)
    {
        var sortKeys = run.Select(i => i[sortKey].S).ToList();
        var result = new Dictionary<string, Item>(run.Length, StringComparer.Ordinal);
        Item? start = null;
        do
        {
            var page = await ReadAsync(table, () => dynamo.QueryAsync(new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = "#pk = :pk AND #sk BETWEEN :lo AND :hi",
                ExpressionAttributeNames = new() { ["#pk"] = partitionKey, ["#sk"] = sortKey },
                ExpressionAttributeValues = new()
                {
                    [":pk"] = run[0][partitionKey],
                    [":lo"] = new AttributeValue { S = sortKeys.Min(StringComparer.Ordinal) },
                    [":hi"] = new AttributeValue { S = sortKeys.Max(StringComparer.Ordinal) },
                },
                ConsistentRead = true,
                ExclusiveStartKey = start,
            }, ct));
            foreach (var item in page.Items ?? []) result[DynamoItems.KeyText(item, table)] = item;
            // Mostly items of other loads in this range: fetching the run's keys is cheaper.
            if (result.Count > 4 * run.Length + MaxKeysPerRequest) return null;
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return result;
    }

    private async Task<Dictionary<string, Item>> GetAsync(string table, Item[] items, string partitionKey, string sortKey, CancellationToken ct)
    {
        var result = new Dictionary<string, Item>(items.Length, StringComparer.Ordinal);
        foreach (var chunk in items.Chunk(MaxKeysPerRequest))
        {
            var keys = chunk.Select(i => new Item(2) { [partitionKey] = i[partitionKey], [sortKey] = i[sortKey] }).ToList();
            var pending = new Dictionary<string, KeysAndAttributes> { [table] = new KeysAndAttributes { Keys = keys, ConsistentRead = true } };
            for (var attempt = 1; ; attempt++)
            {
                var response = await ReadAsync(table, () => dynamo.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = pending }, ct));
                if (response.Responses is { } responses && responses.TryGetValue(table, out var got) && got is not null)
                {
                    foreach (var item in got) result[DynamoItems.KeyText(item, table)] = item;
                }
                if (response.UnprocessedKeys is not { Count: > 0 } unprocessed) break;
                metrics.Throttled("dynamodb", unprocessed.Values.Sum(v => v.Keys?.Count ?? 0));
                if (attempt >= options.Value.MaxAttempts)
                    throw new DynamoThrottledException($"DynamoDB table {table} left keys unread after {attempt} attempts");
                pending = unprocessed;
                await Task.Delay(Backoff.Jittered(attempt), ct);
                metrics.Retried("dynamodb", "BatchGetItem");
            }
        }
        return result;
    }

    /// <summary>A read whose connection failure is named as the store being unreachable.</summary>
    private static async Task<T> ReadAsync<T>(string table, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (DynamoUnavailableException.IsConnectionFailure(ex))
        {
            throw new DynamoUnavailableException(table, ex);
        }
    }
}
