using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Stores.Dynamo;
using AdManager.Grains.Stores.Postgres;
using Item = System.Collections.Generic.Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>;

namespace AdManager.Grains.Pipeline.Phases;

/// <summary>
/// Step 4.8: reads every target back for exactly the records the job loaded and compares count and
/// content, record by record, with the staged records: <c>found</c> counts records present with this
/// job's id, <c>checksumMatch</c> says every one of them equals what was loaded in every stored value.
/// The entities are checked concurrently (PostgreSQL set-based, DynamoDB by key), and DynamoDB items are
/// read from staging a few thousand at a time, the next slice while the current one is compared.
/// </summary>
public sealed class ValidatePhase(
    CampaignMetadataStore campaigns,
    CatalogMetadataStore catalogs,
    StagingReader staging,
    DynamoReadBack dynamo)
{
    private const int SampleSize = 20;

    /// <summary>Staged records read for one DynamoDB comparison step (whole batches, at least one).</summary>
    private const int RowsPerRead = 2_000;

    public async Task<(ValidationResult Result, Dictionary<EntityKind, long> Verified)> RunAsync(
        Guid jobId, DateTimeOffset migratedAt, IReadOnlyList<EntityKind> entities, IReadOnlyDictionary<EntityKind, int> batches,
        IReadOnlyDictionary<EntityKind, StagedDigest?> stagedDigests, int batchSize, CancellationToken ct)
    {
        var checks = new List<ValidationCheck>();
        var mismatches = new List<string>();
        var verified = new Dictionary<EntityKind, long>();
        var perRead = Math.Max(1, RowsPerRead / Math.Max(1, batchSize));
        var comparisons = entities.Select(entity => entity switch
        {
            EntityKind.Campaigns => FromPostgresAsync("postgres:campaign_metadata", campaigns.CompareAsync(jobId, SampleSize, ct, stagedDigests.GetValueOrDefault(entity))),
            EntityKind.Catalogs => FromPostgresAsync("postgres:catalog_metadata", catalogs.CompareAsync(jobId, SampleSize, ct)),
            _ => FromDynamoAsync(jobId, migratedAt, entity, batches.GetValueOrDefault(entity), perRead, ct),
        }).ToList();
        await Task.WhenAll(comparisons);
        foreach (var (entity, comparison) in entities.Zip(comparisons))
        {
            var (target, expected, found, matched, differing) = await comparison;
            var name = EntitySchema.For(entity).Name;
            var checksumMatch = matched == expected;
            checks.Add(new ValidationCheck(name, target, expected, found, checksumMatch));
            verified[entity] = matched;
            if (found != expected) mismatches.Add($"{name}: {expected} loaded but {found} found in {target}");
            if (!checksumMatch)
            {
                foreach (var key in differing) mismatches.Add($"{name}: record {key} in {target} differs from what was loaded or is missing");
            }
        }
        return (new ValidationResult(mismatches.Count == 0, checks, mismatches), verified);
    }

    private static async Task<(string, long, long, long, IReadOnlyList<string>)> FromPostgresAsync(string target, Task<TargetComparison> comparison)
    {
        var c = await comparison;
        return (target, c.Expected, c.Found, c.Matched, c.DifferingKeys);
    }

    private async Task<(string, long, long, long, IReadOnlyList<string>)> FromDynamoAsync(
        Guid jobId, DateTimeOffset migratedAt, EntityKind entity, int batchCount, int perRead, CancellationToken ct)
    {
        var table = entity == EntityKind.CampaignPerformance ? DynamoItems.PerformanceTable : DynamoItems.ProductTable;
        long expected = 0, found = 0, matched = 0;
        var differing = new SortedSet<string>(StringComparer.Ordinal);
        // The expected items are built by the same mapping the loader wrote with, from the staged records.
        Task<List<Item>> Read(int first) => entity == EntityKind.CampaignPerformance
            ? Map(staging.PerformanceBatchesAsync(jobId, first, Math.Min(batchCount, first + perRead) - 1, ct), r => DynamoItems.Performance(r, jobId, migratedAt))
            : Map(staging.ProductBatchesAsync(jobId, first, Math.Min(batchCount, first + perRead) - 1, ct), r => DynamoItems.Product(r, jobId, migratedAt));
        var next = batchCount > 0 ? Read(0) : null;
        for (var first = 0; next is not null; first += perRead)
        {
            var items = await next;
            next = first + perRead < batchCount ? Read(first + perRead) : null;
            expected += items.Count;
            var result = await dynamo.CompareAsync(table, items, jobId.ToString(), SampleSize, ct);
            found += result.Found;
            matched += result.Matched;
            foreach (var key in result.Differing) DynamoReadBack.AddToSample(differing, key, SampleSize);
        }
        return ($"dynamodb:{table}", expected, found, matched, [.. differing]);
    }

    private static async Task<List<Item>> Map<T>(Task<List<T>> records, Func<T, Item> item) => [.. (await records).Select(item)];
}
