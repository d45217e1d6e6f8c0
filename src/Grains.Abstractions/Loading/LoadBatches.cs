using AdManager.Grains.Abstractions.Records;

namespace AdManager.Grains.Abstractions.Loading;

/// <summary>
/// A batch of campaign performance rows for the CampaignLoader (step 4.6.1.1), written to DynamoDB. Campaigns go to
/// PostgreSQL straight from staging (<see cref="StagedBatches"/>), never as records.
/// </summary>
[GenerateSerializer, Immutable, Alias("AdManager.CampaignBatch")]
public sealed record CampaignBatch(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] int BatchNo,
    [property: Id(2)] DateTimeOffset MigratedAt,
    [property: Id(4)] IReadOnlyList<PerformanceRecord> Performance);

/// <summary>
/// A batch of products for the CatalogLoader (step 4.6.2.1), written to DynamoDB. Catalogs go to PostgreSQL straight
/// from staging (<see cref="StagedBatches"/>), never as records.
/// </summary>
[GenerateSerializer, Immutable, Alias("AdManager.CatalogBatch")]
public sealed record CatalogBatch(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] int BatchNo,
    [property: Id(2)] DateTimeOffset MigratedAt,
    [property: Id(4)] IReadOnlyList<ProductRecord> Products);

/// <summary>
/// A run of a job's resolved batches (<see cref="FirstBatch"/> to <see cref="LastBatch"/>) of an entity stored in
/// PostgreSQL: the loader merges them straight from the job's staging, set-based, so no record crosses a grain call.
/// <see cref="ExpectedRows"/> is how many staged rows the run holds: when the merge writes them all, no row can have
/// been refused and the loader skips looking for refused ones.
/// </summary>
[GenerateSerializer, Immutable, Alias("AdManager.StagedBatches")]
public sealed record StagedBatches(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] int FirstBatch,
    [property: Id(2)] int LastBatch,
    [property: Id(3)] DateTimeOffset MigratedAt,
    [property: Id(4)] long ExpectedRows);

/// <summary>Outcome of a batch as a whole.</summary>
public enum BatchStatus
{
    Succeeded = 0,
    PartiallyFailed = 1,
    Failed = 2,
}

/// <summary>A record a loader refused, by key.</summary>
[GenerateSerializer, Immutable, Alias("AdManager.RecordError")]
public sealed record RecordError(
    [property: Id(0)] string Key,
    [property: Id(1)] string Error);

/// <summary>
/// The loader's answer (batchstatus, errors). <see cref="Transient"/> marks a failed batch whose cause
/// (a store restarting, throttling, unreachable) is worth retrying later.
/// </summary>
[GenerateSerializer, Immutable, Alias("AdManager.BatchResult")]
public sealed record BatchResult(
    [property: Id(0)] int BatchNo,
    [property: Id(1)] BatchStatus Status,
    [property: Id(2)] int Written,
    [property: Id(3)] IReadOnlyList<RecordError> Errors,
    [property: Id(4)] bool Transient = false);
