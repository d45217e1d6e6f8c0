using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using AdManager.Grains.Telemetry;
using Microsoft.Extensions.Options;

namespace AdManager.Grains.Stores.Dynamo;

/// <summary>
/// Puts items with BatchWriteItem, 25 per request and several requests in flight; items DynamoDB hands
/// back as <c>UnprocessedItems</c> (throttling) are retried with exponential backoff and full jitter.
/// A put replaces the whole item, so writing a batch again is harmless.
/// </summary>
public sealed class DynamoBatchWriter(IAmazonDynamoDB dynamo, IOptions<DynamoOptions> options, StoreResilience resilience, MigrationMetrics metrics)
{
    private const int MaxItemsPerRequest = 25;

    public async Task PutAsync(string table, IReadOnlyList<Dictionary<string, AttributeValue>> items, CancellationToken ct)
    {
        if (items.Count == 0) return;
        var chunks = items.Chunk(MaxItemsPerRequest)
            .Select(chunk => chunk.Select(item => new WriteRequest { PutRequest = new PutRequest { Item = item } }).ToList());
        await Parallel.ForEachAsync(chunks,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.RequestConcurrency, CancellationToken = ct },
            async (requests, token) => await WriteChunkAsync(table, requests, token));
    }

    /// <summary>DynamoDB's own "slow down" answers, as opposed to faults.</summary>
    internal static bool IsThrottling(Exception ex) =>
        ex is ProvisionedThroughputExceededException or RequestLimitExceededException
        || ex is AmazonDynamoDBException { ErrorCode: "ThrottlingException" };

    private async Task WriteChunkAsync(string table, List<WriteRequest> requests, CancellationToken ct)
    {
        var pending = new Dictionary<string, List<WriteRequest>> { [table] = requests };
        for (var attempt = 1; ; attempt++)
        {
            BatchWriteItemResponse response;
            using (await resilience.Dynamo.AcquireAsync(ct))
            {
                try
                {
                    response = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, ct);
                }
                catch (Exception ex) when (DynamoUnavailableException.IsConnectionFailure(ex))
                {
                    throw new DynamoUnavailableException(table, ex);
                }
                catch (Exception ex) when (IsThrottling(ex) && attempt < options.Value.MaxAttempts)
                {
                    resilience.Dynamo.OnThrottled();
                    metrics.Throttled("dynamodb", requests.Count);
                    await Task.Delay(Backoff.Jittered(attempt), ct);
                    continue;
                }
            }
            // SDK v4 answers null, not an empty map, when everything was processed.
            if (response.UnprocessedItems is not { Count: > 0 } unprocessed)
            {
                resilience.Dynamo.OnSuccess();
                return;
            }
            resilience.Dynamo.OnThrottled();
            metrics.Throttled("dynamodb", unprocessed.Values.Sum(v => v.Count));
            if (attempt >= options.Value.MaxAttempts)
            {
                var left = unprocessed.Values.Sum(v => v.Count);
                throw new DynamoThrottledException($"DynamoDB table {table} left {left} items unprocessed after {attempt} attempts");
            }
            pending = unprocessed;
            await Task.Delay(Backoff.Jittered(attempt), ct);
            metrics.Retried("dynamodb", "BatchWriteItem");
        }
    }
}

/// <summary>DynamoDB kept refusing work (throttling) beyond the retry budget.</summary>
public sealed class DynamoThrottledException(string message) : Exception(message);

/// <summary>DynamoDB could not be reached at all (connection refused, reset, name resolution): transient, and named as such.</summary>
public sealed class DynamoUnavailableException(string table, Exception inner)
    : Exception($"DynamoDB unavailable (table {table}): {StoreErrors.Connection(inner)}", inner)
{
    internal static bool IsConnectionFailure(Exception ex) =>
        ex is HttpRequestException or IOException or System.Net.Sockets.SocketException
        || (ex is Amazon.Runtime.AmazonClientException && ex.InnerException is HttpRequestException or IOException or System.Net.Sockets.SocketException);
}
