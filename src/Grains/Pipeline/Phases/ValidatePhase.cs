using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Stores.Dynamo;
using AdManager.Grains.Stores.Postgres;
using Amazon.DynamoDBv2.Model;
using Item = System.Collections.Generic.Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>;

namespace AdManager.Grains.Pipeline.Phases;

/// <summary>
/// Step 4.8: reads every target back for exactly the records the job loaded and compares count and
/// content, record by record, with the staged records: <c>found</c> counts records present with this
/// job's id, <c>checksumMatch</c> says every one of them equals what was loaded in every stored value.
/// </summary>
public sealed class ValidatePhase(
    CampaignMetadataStore campaigns,
    CatalogMetadataStore catalogs,
    StagingReader staging,
    DynamoReadBack dynamo)
{
    private const int SampleSize = 20;

    public async Task<(ValidationResult Result, Dictionary<EntityKind, long> Verified)> RunAsync(
        Guid jobId, DateTimeOffset migratedAt, IReadOnlyList<EntityKind> entities, IReadOnlyDictionary<EntityKind, int> batches, CancellationToken ct)
    {
        var checks = new List<ValidationCheck>();
        var mismatches = new List<string>();
        var verified = new Dictionary<EntityKind, long>();
        foreach (var entity in entities)
        {
            var (target, expected, found, matched, differing) = entity switch
            {
                EntityKind.Campaigns => FromPostgres("postgres:campaign_metadata", await campaigns.CompareAsync(jobId, SampleSize, ct)),
                EntityKind.Catalogs => FromPostgres("postgres:catalog_metadata", await catalogs.CompareAsync(jobId, SampleSize, ct)),
                _ => await FromDynamoAsync(jobId, migratedAt, entity, batches.GetValueOrDefault(entity), ct),
            };
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

    private static (string, long, long, long, IReadOnlyList<string>) FromPostgres(string target, TargetComparison c) =>
        (target, c.Expected, c.Found, c.Matched, c.DifferingKeys);

    private async Task<(string, long, long, long, IReadOnlyList<string>)> FromDynamoAsync(Guid jobId, DateTimeOffset migratedAt, EntityKind entity, int batchCount, CancellationToken ct)
    {
        var table = entity == EntityKind.CampaignPerformance ? DynamoItems.PerformanceTable : DynamoItems.ProductTable;
        long expected = 0, found = 0, matched = 0;
        var differing = new List<string>();
        // The expected items are built by the same mapping the loader wrote with, from the staged records.
        for (var batchNo = 0; batchNo < batchCount; batchNo++)
        {
            var items = entity == EntityKind.CampaignPerformance
                ? (await staging.PerformanceBatchAsync(jobId, batchNo, ct)).Select(r => DynamoItems.Performance(r, jobId, migratedAt)).ToList()
                : (await staging.ProductBatchAsync(jobId, batchNo, ct)).Select(r => DynamoItems.Product(r, jobId, migratedAt)).ToList();
            expected += items.Count;
            Func<Item, Item> key = entity == EntityKind.CampaignPerformance ? PerformanceKey : ProductKey;
            var result = await dynamo.CompareAsync(table, items, key, jobId.ToString(), SampleSize - differing.Count, ct);
            found += result.Found;
            matched += result.Matched;
            differing.AddRange(result.Differing);
        }
        return ($"dynamodb:{table}", expected, found, matched, differing);
    }

    private static Item PerformanceKey(Item item) =>
        new(2) { ["CampaignId"] = item["CampaignId"], ["Date"] = item["Date"] };

    private static Item ProductKey(Item item) =>
        new(2) { ["CatalogId"] = item["CatalogId"], ["ProductId"] = item["ProductId"] };
}
