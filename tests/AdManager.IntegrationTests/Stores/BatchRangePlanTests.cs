using System.Text.Json;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Stores.Postgres;
using AdManager.IntegrationTests.Infrastructure;
using Npgsql;

namespace AdManager.IntegrationTests.Stores;

/// <summary>
/// A merge reads its run of batches from staging through the seq index, however large the staging: the run's bounds are
/// parameters, so the planner sees how few rows they take. Planned as a join with <c>stage_batches</c> instead, with the
/// loader's checks in the filter, PostgreSQL expected almost no rows and read the whole staging of a 5M-record job for
/// every merge (Loading 230-260 s instead of 36 s). Checked on the plan of the real merge statement over a 400,000-row
/// staging resolved as a job's is (its statistics included).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class BatchRangePlanTests(TestStack stack) : IAsyncLifetime
{
    private const int Rows = 400_000;
    private readonly Guid _job = Guid.CreateVersion7();

    private string Staging => StagingTables.Name(EntityKind.Campaigns, _job);

    public async Task InitializeAsync()
    {
        // Rows as wide as the generator's (a name of a few words, targeting JSON), in seq order as COPY writes them.
        await stack.Db.ExecAsync(StagingTables.CreateIfMissing(EntityKind.Campaigns, _job));
        await stack.Db.ExecAsync($"""
            INSERT INTO {Staging} (seq, line, maybe_duplicate, campaign_id, merchant_id, name, status, daily_budget_micros, currency,
                                   start_date, end_date, targeting, source_modified_at, source_modified_ticks)
            SELECT i, i + 2, false, 'plan' || lpad(i::text, 9, '0'), 'm' || (i % 500), 'Search campaign for spring, number ' || i, 'ACTIVE',
                   i * 1000, 'EUR', date '2024-01-01' + (i % 300), NULL,
                   jsonb_build_object('geo', jsonb_build_array('DE', 'FR'), 'age', jsonb_build_object('min', 18 + i % 20, 'max', 65)),
                   timestamptz '2024-03-01 00:00:00+00', 0
            FROM generate_series(0, {Rows - 1}) i
            """);
    }

    public async Task DisposeAsync()
    {
        await new StagingReader(stack.Db).DeleteStagingAsync(_job, CancellationToken.None);
    }

    [Fact]
    public async Task A_merge_reads_its_run_of_a_large_staging_through_the_seq_index()
    {
        await new StagingResolver(stack.Db).ResolveAsync(_job, batchSize: 1000,
            new Dictionary<EntityKind, long?> { [EntityKind.Campaigns] = Rows }, CancellationToken.None);
        await using var connection = await stack.Db.OpenConnectionAsync();
        // A run in the middle of the job, as large as one merge call takes by default.
        var (lo, hi) = await StagingTables.SeqBoundsAsync(connection, _job, EntityKind.Campaigns, 200, 219, CancellationToken.None);
        Assert.Equal((200_000L, 219_999L), (lo, hi));

        await using var explain = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + CampaignMetadataStore.InsertSql(_job) + "\n" + CampaignMetadataStore.OnConflict, connection);
        foreach (var arg in new object[] { _job, lo, hi, DateTime.UtcNow }) explain.Parameters.Add(new NpgsqlParameter { Value = arg });
        using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);
        var nodes = QueryPlans.Nodes(plan.RootElement[0].GetProperty("Plan")).ToList();

        var stagingScans = nodes.Where(n => Text(n, "Relation Name") == Staging).Select(n => Text(n, "Node Type")).ToList();
        Assert.Equal(["Bitmap Heap Scan"], stagingScans);
        Assert.Contains(nodes, n => Text(n, "Node Type") == "Bitmap Index Scan" && Text(n, "Index Name") == Staging + "_seq");
        Assert.DoesNotContain(nodes, n => Text(n, "Relation Name") == "stage_batches");
    }

    private static string? Text(JsonElement node, string property) =>
        node.TryGetProperty(property, out var value) ? value.GetString() : null;
}
