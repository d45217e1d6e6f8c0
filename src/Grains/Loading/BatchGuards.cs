using AdManager.Grains.Abstractions.Loading;
using AdManager.Grains.Stores;
using AdManager.Grains.Stores.Postgres;
using Microsoft.Extensions.Logging;

namespace AdManager.Grains.Loading;

/// <summary>
/// The loaders' own validation ("Validate &amp; Store"): the pipeline already applied every rule of the
/// spec, so a record failing here means a defect upstream; it is refused and named, never written.
/// </summary>
internal static class BatchGuards
{
    public static List<T> Keep<T>(IReadOnlyList<T> records, Func<T, string> key, Func<T, string?> check, List<RecordError> errors)
    {
        var kept = new List<T>(records.Count);
        foreach (var record in records)
        {
            if (check(record) is { } problem) errors.Add(new RecordError(key(record), problem));
            else kept.Add(record);
        }
        return kept;
    }

    public static BatchResult Result(int batchNo, int written, List<RecordError> errors) =>
        new(batchNo, errors.Count == 0 ? BatchStatus.Succeeded : BatchStatus.PartiallyFailed, written, errors);

    /// <summary>A batch that could not be stored at all; the error names the cause without internals.</summary>
    public static BatchResult Failed(int batchNo, Exception ex) =>
        new(batchNo, BatchStatus.Failed, 0, [new RecordError("*", StoreErrors.Describe(ex))], TransientFaults.IsTransient(ex));

    /// <summary>Runs a store call under the silo-wide PostgreSQL limit and the transient-fault retries.</summary>
    public static ValueTask WithPostgresAsync(StoreResilience resilience, Func<CancellationToken, Task> write) =>
        resilience.PostgresPipeline.ExecuteAsync(async ct =>
        {
            await resilience.Postgres.WaitAsync(ct);
            try
            {
                await write(ct);
            }
            finally
            {
                resilience.Postgres.Release();
            }
        }, CancellationToken.None);

    /// <summary>
    /// A run of staged batches merged into its PostgreSQL target (<c>campaign_metadata</c>, <c>catalog_metadata</c>) under
    /// the PostgreSQL limit and retries; the rows the loader's checks refused are named in the result.
    /// </summary>
    public static async Task<BatchResult> MergeStagedAsync(StoreResilience resilience, ILogger logger, string kind, StagedBatches batches,
        Func<StagedBatches, CancellationToken, Task<StagedMergeResult>> merge)
    {
        StagedMergeResult? merged = null;
        try
        {
            await WithPostgresAsync(resilience, async ct => merged = await merge(batches, ct));
        }
        catch (Exception ex)
        {
            LoaderLog.BatchFailed(logger, batches.JobId, kind, batches.FirstBatch, ex.GetType().Name, ex.Message);
            return Failed(batches.FirstBatch, ex);
        }
        return Result(batches.FirstBatch, merged!.Written, [.. merged.Refused.Select(r => new RecordError(r.Key, r.Problem))]);
    }

    /// <summary>Runs a DynamoDB write under the transient-fault retries (the writer applies the adaptive limit).</summary>
    public static ValueTask WithDynamoAsync(StoreResilience resilience, Func<CancellationToken, Task> write) =>
        resilience.DynamoPipeline.ExecuteAsync(async ct => await write(ct), CancellationToken.None);
}
