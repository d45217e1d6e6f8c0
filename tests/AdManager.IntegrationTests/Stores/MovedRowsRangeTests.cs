using System.Text.Json;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Stores.Postgres;
using AdManager.IntegrationTests.Infrastructure;
using Npgsql;

namespace AdManager.IntegrationTests.Stores;

/// <summary>
/// Rows that resolving rewrites (a product given its catalog's currency, a superseded duplicate) move to the end of the
/// staging, which the seq index built at extraction does not cover; a batch read must still read only about its own
/// pages, not every moved row. Before resolving summarized the moved rows, each 1000-row batch read of a 1,000,000-product
/// job, half of them without a currency, read half the staging (235 ms instead of 4 ms): quadratic in the job's size.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class MovedRowsRangeTests(TestStack stack) : IAsyncLifetime
{
    private const int Products = 100_000;
    private readonly Guid _job = Guid.CreateVersion7();

    public async Task InitializeAsync()
    {
        // As extraction leaves them: rows in seq order, then the seq index. Half the products have no currency (they take
        // their catalog's), and one in ten is an older copy of a later row (flagged as the duplicate filter would).
        await stack.Db.ExecAsync(StagingTables.Create(EntityKind.Catalogs, _job));
        await stack.Db.ExecAsync($"""
            INSERT INTO {StagingTables.Name(EntityKind.Catalogs, _job)} (seq, line, maybe_duplicate, catalog_id, merchant_id, name, country,
                                                                          default_currency, source_modified_at, source_modified_ticks)
            SELECT i, i + 2, false, 'k' || i, 'm', 'Catalog ' || i, 'DE', 'EUR', timestamptz '2024-03-01 00:00:00+00', 0
            FROM generate_series(0, 99) i
            """);
        await stack.Db.ExecAsync(StagingTables.AddSeqIndex(EntityKind.Catalogs, _job));
        await stack.Db.ExecAsync(StagingTables.Create(EntityKind.Products, _job));
        await stack.Db.ExecAsync($"""
            INSERT INTO {StagingTables.Name(EntityKind.Products, _job)} (seq, line, maybe_duplicate, product_id, catalog_id, merchant_id, title,
                description, price_micros, currency, availability, link, source_modified_at, source_modified_ticks)
            SELECT i, i + 2, i % 10 = 0 OR (i >= {Products / 2} AND (i - {Products / 2}) % 10 = 0),
                   'p' || (CASE WHEN i >= {Products / 2} AND (i - {Products / 2}) % 10 = 0 THEN i - {Products / 2} ELSE i END),
                   'k' || (i % 100), 'm', 'A product title of a few words, number ' || i, NULL, 1000000 + i,
                   CASE WHEN i % 2 = 0 THEN NULL ELSE 'USD' END, 'in_stock', 'https://shop.example/p/' || i,
                   timestamptz '2024-03-01 00:00:00+00' + i * interval '1 second', i
            FROM generate_series(0, {Products - 1}) i
            """);
        await stack.Db.ExecAsync(StagingTables.AddSeqIndex(EntityKind.Products, _job));
    }

    public async Task DisposeAsync() => await new StagingReader(stack.Db).DeleteStagingAsync(_job, CancellationToken.None);

    [Fact]
    public async Task A_batch_read_after_resolving_reads_its_own_pages_not_every_moved_row()
    {
        var resolved = await new StagingResolver(stack.Db).ResolveAsync(_job, batchSize: 1000,
            new Dictionary<EntityKind, long?> { [EntityKind.Catalogs] = 100, [EntityKind.Products] = Products }, CancellationToken.None);
        Assert.Equal(Products / 20, resolved[EntityKind.Products].Superseded);
        var table = StagingTables.Name(EntityKind.Products, _job);
        var pages = await stack.Db.CountAsync($"SELECT pg_relation_size('{table}') / 8192");
        var moved = await stack.Db.CountAsync($"SELECT count(*) FROM {table} WHERE (ctid::text::point)[0] >= {pages} * 0.6");
        Assert.True(moved > Products / 4, $"expected the rewritten rows at the end of the staging; {moved} rows in its last 40% of pages");

        await using var connection = await stack.Db.OpenConnectionAsync();
        var (lo, hi) = await StagingTables.SeqBoundsAsync(connection, _job, EntityKind.Products, 40, 40, CancellationToken.None);
        await using var explain = new NpgsqlCommand(
            $"EXPLAIN (ANALYZE, FORMAT JSON) SELECT product_id, currency FROM {StagingTables.BatchRange(EntityKind.Products, _job, "$1", "$2")}", connection);
        explain.Parameters.Add(new NpgsqlParameter { Value = lo });
        explain.Parameters.Add(new NpgsqlParameter { Value = hi });
        using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);
        var scan = QueryPlans.Nodes(plan.RootElement[0].GetProperty("Plan")).Single(n => n.GetProperty("Node Type").GetString() == "Bitmap Heap Scan");
        var read = scan.GetProperty("Exact Heap Blocks").GetInt64() + scan.GetProperty("Lossy Heap Blocks").GetInt64();

        Assert.Equal(1000, QueryPlans.Nodes(plan.RootElement[0].GetProperty("Plan")).First().GetProperty("Actual Rows").GetInt64());
        // The batch's own rows fill about 1% of the staging's pages; its moved rows, a few more pages at the end.
        Assert.True(read < pages / 20, $"the batch read {read} of the staging's {pages} pages");
    }
}
