using System.Diagnostics;
using AdManager.Benchmarks.Export;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Pipeline.Transform;
using AdManager.Grains.Stores.Dynamo;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace AdManager.Benchmarks.Raw;

/// <summary>
/// The DynamoDB ceiling: BatchWriteItem (25 items each) of the export's loadable product items, built by the
/// product's own mapping, into fresh tables shaped like <c>ProductFeeds</c>, at each probed concurrency; the
/// best one then writes every item into another fresh table (and, side by side with the products runs,
/// <see cref="WriteAndReadFreshAsync"/> again before each, with its read-back). Items are built in chunks outside the timed part.
/// </summary>
public static class RawDynamoWrite
{
    private const int Chunk = 25_000;

    private const string PairTable = "bench_raw_ProductFeeds_pair";

    /// <summary>The probes' best concurrency, from its result's detail (<c>concurrency N</c>).</summary>
    public static int ConcurrencyOf(RawResult result) => int.Parse(result.Detail!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Every loadable item written at <paramref name="concurrency"/> into a fresh table, then read back with Query as
    /// validation reads a job's items (untimed with the write: its own figure), and the table dropped.
    /// </summary>
    public static async Task<(RawResult Write, RawResult ReadBack)> WriteAndReadFreshAsync(IAmazonDynamoDB dynamo, ExportRows rows, int concurrency)
    {
        var write = await WriteAsync(dynamo, PairTable, rows, rows.Shape.Products, concurrency);
        var readBack = await RawDynamoRead.QueryAsync(dynamo, PairTable, rows, concurrency);
        await dynamo.DeleteTableAsync(PairTable);
        return (write, readBack);
    }

    public static async Task<(RawResult Best, List<RawResult> Probes, List<RawResult> ReadBack)> RunAsync(
        string endpoint, ExportRows rows, int[] concurrencies, long probe)
    {
        using var dynamo = Client(endpoint);
        var probes = new List<RawResult>();
        var tables = new List<string>();
        var probeItems = Math.Min(probe, rows.Shape.Products);
        // One untimed pass first: dynalite's first writes after its start are its JIT's warm-up (probes taken cold ran
        // 5,479-6,258 items/s where the same writes beside the products runs ran 7,438-7,711), and the first probe
        // would pay it alone. (Its table is dropped with the others at the end: dynalite deletes a dropped table's items in
        // the background, which the probes would meet.)
        const string warmup = "bench_raw_ProductFeeds_warmup";
        await WriteAsync(dynamo, warmup, rows, probeItems, concurrencies.Max());
        foreach (var concurrency in concurrencies)
        {
            var table = $"bench_raw_ProductFeeds_c{concurrency}";
            tables.Add(table);
            probes.Add(await WriteAsync(dynamo, table, rows, probeItems, concurrency));
            Console.Error.WriteLine($"[bench] raw BatchWriteItem at concurrency {concurrency}: {probes[^1].PerSecond:N0} items/s");
        }
        var best = probes.MaxBy(p => p.PerSecond)!;
        var bestConcurrency = ConcurrencyOf(best);
        var full = tables[probes.IndexOf(best)];
        if (probeItems < rows.Shape.Products)
        {
            full = "bench_raw_ProductFeeds_all";
            tables.Add(full);
            best = await WriteAsync(dynamo, full, rows, rows.Shape.Products, bestConcurrency);
        }
        var readBack = await RawDynamoRead.RunAsync(dynamo, full, rows, probe, bestConcurrency);
        foreach (var table in tables.Append(warmup)) await dynamo.DeleteTableAsync(table);
        return (best, probes, readBack);
    }

    internal static AmazonDynamoDBClient Client(string endpoint) =>
        new(new BasicAWSCredentials("local", "local"), new AmazonDynamoDBConfig { ServiceURL = endpoint, AuthenticationRegion = "us-east-1" });

    private static async Task<RawResult> WriteAsync(IAmazonDynamoDB dynamo, string table, ExportRows rows, long limit, int concurrency)
    {
        try
        {
            await dynamo.DeleteTableAsync(table);
        }
        catch (ResourceNotFoundException)
        {
        }
        await DynamoTables.EnsureAsync(dynamo, table, "CatalogId", "ProductId", CancellationToken.None);
        var jobId = Guid.CreateVersion7();
        var migratedAt = DateTimeOffset.UtcNow;
        var clock = new Stopwatch();
        long written = 0;
        foreach (var chunk in Items(rows, limit, jobId, migratedAt).Chunk(Chunk))
        {
            var requests = chunk.Chunk(25).Select(items => new Dictionary<string, List<WriteRequest>>
            {
                [table] = [.. items.Select(item => new WriteRequest { PutRequest = new PutRequest { Item = item } })],
            }).ToList();
            clock.Start();
            await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (request, ct) =>
            {
                var pending = request;
                while (pending is { Count: > 0 })
                {
                    var response = await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, ct);
                    pending = response.UnprocessedItems;
                }
            });
            clock.Stop();
            written += chunk.Length;
        }
        return new RawResult("dynamodb BatchWriteItem -> fresh ProductFeeds", written, clock.Elapsed.TotalSeconds, $"concurrency {concurrency}");
    }

    /// <summary>Loadable products (each key once) as the loader writes them, currency defaulted from the catalog.</summary>
    private static IEnumerable<Dictionary<string, AttributeValue>> Items(ExportRows rows, long limit, Guid jobId, DateTimeOffset migratedAt)
    {
        var currencies = new Dictionary<string, string>(StringComparer.Ordinal);
        long n = 0;
        foreach (var row in rows.Rows(EntityKind.Products))
        {
            if (n >= limit) yield break;
            if (row.Fate != RowFate.Valid || !RecordRules.TryProduct(row.Values, out var product, out _)) continue;
            if (product!.Currency is null)
            {
                if (!currencies.TryGetValue(product.CatalogId, out var currency))
                {
                    currency = rows.CatalogCurrency(row.Row / ExportShape.ProductsPerCatalog);
                    currencies[product.CatalogId] = currency;
                }
                product = product with { Currency = currency };
            }
            n++;
            yield return DynamoItems.Product(product, jobId, migratedAt);
        }
    }
}
