using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using AdManager.Grains.Telemetry;
using Microsoft.Extensions.Options;

namespace AdManager.Grains.Stores.Dynamo;

/// <summary>
/// Post-load validation on DynamoDB: fetches exactly the keys a job loaded (BatchGetItem, 100 per request,
/// several in flight) and compares each item with the item the job meant to write.
/// </summary>
public sealed class DynamoReadBack(IAmazonDynamoDB dynamo, IOptions<DynamoOptions> options, MigrationMetrics metrics)
{
    private const int MaxKeysPerRequest = 100;

    /// <summary>For each expected item: (found with this job's id, equal in every attribute), keyed by position.</summary>
    public async Task<(long Found, long Matched, List<string> Differing)> CompareAsync(
        string table, IReadOnlyList<Dictionary<string, AttributeValue>> expected, Func<Dictionary<string, AttributeValue>, Dictionary<string, AttributeValue>> keyOf,
        string jobId, int sampleSize, CancellationToken ct)
    {
        long found = 0, matched = 0;
        var differing = new List<string>();
        var gate = new object();
        await Parallel.ForEachAsync(expected.Chunk(MaxKeysPerRequest),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.RequestConcurrency, CancellationToken = ct },
            async (chunk, token) =>
            {
                var actual = await GetAsync(table, chunk.Select(keyOf).ToList(), token);
                foreach (var item in chunk)
                {
                    var keyText = DynamoItems.KeyText(keyOf(item), table);
                    actual.TryGetValue(keyText, out var stored);
                    var isFound = stored is not null && stored.TryGetValue("MigrationJobId", out var id) && id.S == jobId;
                    var isSame = isFound && DynamoItems.SameItem(item, stored);
                    lock (gate)
                    {
                        if (isFound) found++;
                        if (isSame) matched++;
                        else if (differing.Count < sampleSize) differing.Add(keyText);
                    }
                }
            });
        differing.Sort(StringComparer.Ordinal);
        return (found, matched, differing);
    }

    private async Task<Dictionary<string, Dictionary<string, AttributeValue>>> GetAsync(
        string table, List<Dictionary<string, AttributeValue>> keys, CancellationToken ct)
    {
        var result = new Dictionary<string, Dictionary<string, AttributeValue>>(keys.Count, StringComparer.Ordinal);
        var pending = new Dictionary<string, KeysAndAttributes> { [table] = new KeysAndAttributes { Keys = keys, ConsistentRead = true } };
        for (var attempt = 1; ; attempt++)
        {
            BatchGetItemResponse response;
            try
            {
                response = await dynamo.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = pending }, ct);
            }
            catch (Exception ex) when (DynamoUnavailableException.IsConnectionFailure(ex))
            {
                throw new DynamoUnavailableException(table, ex);
            }
            if (response.Responses is { } responses && responses.TryGetValue(table, out var items) && items is not null)
            {
                foreach (var item in items) result[DynamoItems.KeyText(item, table)] = item;
            }
            if (response.UnprocessedKeys is not { Count: > 0 } unprocessed) return result;
            metrics.Throttled("dynamodb", unprocessed.Values.Sum(v => v.Keys?.Count ?? 0));
            if (attempt >= options.Value.MaxAttempts)
                throw new DynamoThrottledException($"DynamoDB table {table} left keys unread after {attempt} attempts");
            pending = unprocessed;
            await Task.Delay(Backoff.Jittered(attempt), ct);
            metrics.Retried("dynamodb", "BatchGetItem");
        }
    }
}
