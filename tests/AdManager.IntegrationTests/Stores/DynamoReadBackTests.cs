using AdManager.Grains.Abstractions.Records;
using AdManager.Grains.Stores.Dynamo;
using AdManager.IntegrationTests.Infrastructure;
using Amazon.DynamoDBv2.Model;
using System.Diagnostics.Metrics;
using AdManager.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Item = System.Collections.Generic.Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>;

namespace AdManager.IntegrationTests.Stores;

/// <summary>Validation's read-back on dynalite: by Query over a partition's key range, by key for short runs, and when the range is sparse.</summary>
[Collection(StackCollection.Name)]
public sealed class DynamoReadBackTests(TestStack stack)
{
    private readonly string _prefix = "r" + Guid.NewGuid().ToString("N")[..8] + "-";
    private readonly Guid _job = Guid.CreateVersion7();

    private static readonly MigrationMetrics Metrics = new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    private DynamoReadBack ReadBack => new(stack.Dynamo, Options.Create(new DynamoOptions { RequestConcurrency = 4 }), Metrics);

    [Fact]
    public async Task Missing_changed_and_foreign_items_are_told_apart_whether_read_by_query_or_by_key()
    {
        // A long run in one catalog (read by Query) and short runs in many (read by key).
        var expected = Items("big", 120).Concat(Enumerable.Range(0, 30).SelectMany(i => Items($"small{i:D2}", 1))).ToList();
        await PutAsync(expected);
        var changed = expected[7];
        var missing = expected[50];
        var foreign = expected[125];
        await PutAsync([new Item(changed) { ["Title"] = new AttributeValue { S = "edited by hand" } }, new Item(foreign) { ["MigrationJobId"] = new AttributeValue { S = Guid.NewGuid().ToString() } }]);
        await stack.Dynamo.DeleteItemAsync(DynamoItems.ProductTable, Key(missing));

        var (found, matched, differing) = await ReadBack.CompareAsync(DynamoItems.ProductTable, expected, _job.ToString(), 20, CancellationToken.None);

        Assert.Equal(expected.Count - 2, found);
        Assert.Equal(expected.Count - 3, matched);
        Assert.Equal(new[] { changed, missing, foreign }.Select(i => DynamoItems.KeyText(i, DynamoItems.ProductTable)).Order(StringComparer.Ordinal), differing);
    }

    [Fact]
    public async Task A_run_whose_key_range_is_mostly_other_items_is_still_compared_exactly()
    {
        // 60 loaded items spread over a range holding 1,000 items of an earlier load.
        var all = Items("sparse", 1_060);
        var others = all.Where((_, i) => i % 18 != 0).Select(i => new Item(i) { ["MigrationJobId"] = new AttributeValue { S = "earlier" } }).ToList();
        var expected = all.Where((_, i) => i % 18 == 0).ToList();
        await PutAsync([.. others, .. expected]);

        var (found, matched, differing) = await ReadBack.CompareAsync(DynamoItems.ProductTable, expected, _job.ToString(), 20, CancellationToken.None);

        Assert.Equal(expected.Count, found);
        Assert.Equal(expected.Count, matched);
        Assert.Empty(differing);
    }

    private List<Item> Items(string catalog, int count) =>
        [.. Enumerable.Range(0, count).Select(i => DynamoItems.Product(
            new ProductRecord($"p{i:D5}", _prefix + catalog, "m1", $"Product {i}", i % 3 == 0 ? null : "Soft", 1_000_000 + i, null, "EUR",
                "in_stock", null, "https://shop.example/p", null, new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero)),
            _job, new DateTimeOffset(2024, 4, 1, 0, 0, 0, TimeSpan.Zero)))];

    private static Item Key(Item item) => new() { ["CatalogId"] = item["CatalogId"], ["ProductId"] = item["ProductId"] };

    private async Task PutAsync(IEnumerable<Item> items)
    {
        foreach (var chunk in items.Chunk(25))
        {
            var pending = new Dictionary<string, List<WriteRequest>>
            {
                [DynamoItems.ProductTable] = [.. chunk.Select(i => new WriteRequest { PutRequest = new PutRequest { Item = i } })],
            };
            while (pending is { Count: > 0 })
            {
                pending = (await stack.Dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending })).UnprocessedItems;
            }
        }
    }
}
