using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Stores.Postgres;
using AdManager.IntegrationTests.Infrastructure;
using Npgsql;

namespace AdManager.IntegrationTests.Stores;

/// <summary>
/// Validation's staged-side sum as resolving takes it, on the real server: summed over every staged campaign beside
/// the resolving statements, less the superseded rows they return, it equals the sum of the rows left to load; a
/// target that matches is settled by it and one that differs is not. And the two ways of summing a target (through
/// the job's rows, or over the whole table with the filter in the aggregates) agree.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StagedDigestTests(TestStack stack) : IAsyncLifetime
{
    private const int Keys = 150;
    private const int Duplicates = 50;
    private readonly Guid _job = Guid.CreateVersion7();
    private readonly string _prefix = "sd" + Guid.NewGuid().ToString("N")[..10] + "-";

    private string Staging => StagingTables.Name(EntityKind.Campaigns, _job);

    // What extraction counted; the other entities' counts unknown, so resolving counts their (empty) tables.
    private static readonly Dictionary<EntityKind, long?> Staged = new() { [EntityKind.Campaigns] = Keys + Duplicates };

    // The compared columns spelled out here, not taken from the store, so a change there shows up as a failure here.
    private const string Hash = """
        hash_record_extended(ROW(s.campaign_id, s.merchant_id, s.name, s.status, s.daily_budget_micros, s.currency, s.start_date,
                                 s.end_date, s.targeting, s.source_modified_at), 0)
        """;

    public async Task InitializeAsync()
    {
        // Keys 0-49 appear twice (seq i and i + 150, the second flagged as maybe a duplicate); every third pair has the
        // newer timestamp on its first row, so the earlier line wins there and the later one is superseded.
        await stack.Db.ExecAsync(StagingTables.CreateIfMissing(EntityKind.Campaigns, _job));
        await stack.Db.ExecAsync($"""
            INSERT INTO {Staging} (seq, line, maybe_duplicate, campaign_id, merchant_id, name, status, daily_budget_micros, currency,
                                   start_date, end_date, targeting, source_modified_at, source_modified_ticks)
            SELECT i, i + 2, i >= {Keys}, $1 || lpad((i % {Keys})::text, 5, '0'), 'm' || (i % 7), 'Campaign ' || i, 'ACTIVE',
                   i * 1000, 'EUR', date '2024-01-01' + (i % 30), CASE WHEN i % 4 = 0 THEN NULL ELSE date '2025-01-01' END,
                   jsonb_build_object('n', i), timestamptz '2024-03-01 00:00:00+00' + t * interval '1 second', t::bigint * 10000000
            FROM generate_series(0, {Keys + Duplicates - 1}) i,
                 LATERAL (SELECT CASE WHEN i % {Keys} % 3 = 0 THEN 1000 - i ELSE i END AS t) ticks
            """, _prefix);
    }

    public async Task DisposeAsync()
    {
        await stack.Db.ExecAsync("DELETE FROM campaign_metadata WHERE campaign_id LIKE $1 || '%'", _prefix);
        await new StagingReader(stack.Db).DeleteStagingAsync(_job, CancellationToken.None);
    }

    [Fact]
    public async Task Resolving_returns_the_sum_of_the_campaigns_left_to_load()
    {
        var resolved = await new StagingResolver(stack.Db).ResolveAsync(_job, batchSize: 7, Staged, CancellationToken.None);

        var campaigns = resolved[EntityKind.Campaigns];
        Assert.Equal((Duplicates, Keys), (campaigns.Superseded, campaigns.Loaded));
        Assert.Equal(await SumLoadableAsync(), campaigns.Digest);
        // Some superseded rows are first lines and some second: both ways of losing a duplicate were XORed out.
        Assert.Equal((Duplicates - Duplicates / 3 - 1, Duplicates / 3 + 1), await SupersededFirstAndSecondAsync());
    }

    [Fact]
    public async Task The_resolved_sum_settles_a_matching_target_and_not_a_differing_one()
    {
        var resolved = await new StagingResolver(stack.Db).ResolveAsync(_job, batchSize: 7, new Dictionary<EntityKind, long?> { [EntityKind.Campaigns] = null }, CancellationToken.None);
        var digest = resolved[EntityKind.Campaigns].Digest;
        await stack.Db.ExecAsync($"""
            INSERT INTO campaign_metadata (campaign_id, merchant_id, name, status, daily_budget_micros, currency, start_date, end_date,
                                           targeting, source_modified_at, migration_job_id, migrated_at)
            SELECT campaign_id, merchant_id, name, status, daily_budget_micros, currency, start_date, end_date, targeting,
                   source_modified_at, $1, now()
            FROM {Staging} WHERE outcome = 0
            """, _job);
        var store = new CampaignMetadataStore(stack.Db);

        var exact = await store.CompareAsync(_job, 20, CancellationToken.None, digest);
        await stack.Db.ExecAsync("UPDATE campaign_metadata SET status = 'PAUSED' WHERE campaign_id = $1 || '00003'", _prefix);
        var changed = await store.CompareAsync(_job, 20, CancellationToken.None, digest);

        Assert.True(exact.SettledByChecksum);
        Assert.Equal((Keys, Keys, Keys), (exact.Expected, exact.Found, exact.Matched));
        Assert.False(changed.SettledByChecksum);
        Assert.Equal((Keys, Keys, Keys - 1), (changed.Expected, changed.Found, changed.Matched));
        Assert.Equal([_prefix + "00003"], changed.DifferingKeys);
    }

    [Fact]
    public async Task A_campaigns_job_resolves_its_own_data_type_only_and_again_to_the_same_outcome()
    {
        var resolver = new StagingResolver(stack.Db);
        var first = await resolver.ResolveAsync(_job, batchSize: 7, Staged, CancellationToken.None);
        // Resolved again (a job that died right after committing): the earlier outcomes are cleared in the job's tables only.
        var again = await resolver.ResolveAsync(_job, batchSize: 7, Staged, CancellationToken.None);

        Assert.Equal([EntityKind.Campaigns, EntityKind.CampaignPerformance], first.Keys.Order());
        Assert.Equal(first[EntityKind.Campaigns], again[EntityKind.Campaigns]);
        Assert.Equal((Duplicates, Keys), (again[EntityKind.Campaigns].Superseded, again[EntityKind.Campaigns].Loaded));
        Assert.Equal(Duplicates, await stack.Db.CountAsync($"SELECT count(*) FROM {Staging} WHERE outcome = 1"));
        // The performance staging exists (empty: no file of it), the product catalog's was never created.
        Assert.Equal(0, await stack.Db.CountAsync($"SELECT count(*) FROM {StagingTables.Name(EntityKind.CampaignPerformance, _job)}"));
        Assert.Equal(0, await stack.Db.CountAsync("SELECT count(*) FROM pg_class WHERE relname = ANY($1)",
            (object)new[] { StagingTables.Name(EntityKind.Catalogs, _job), StagingTables.Name(EntityKind.Products, _job) }));
    }

    [Fact]
    public async Task Summing_through_the_job_rows_or_over_the_whole_table_gives_the_same_sum()
    {
        await stack.Db.ExecAsync($"""
            INSERT INTO campaign_metadata (campaign_id, merchant_id, name, status, daily_budget_micros, currency, start_date, end_date,
                                           targeting, source_modified_at, migration_job_id, migrated_at)
            SELECT campaign_id, merchant_id, name, status, daily_budget_micros, currency, start_date, end_date, targeting,
                   source_modified_at, CASE WHEN seq % 5 = 0 THEN gen_random_uuid() ELSE $1 END, now()
            FROM {Staging} WHERE seq < {Keys}
            """, _job);
        TargetComparison.Side Target(string whole) => new("campaign_metadata s", "s.migration_job_id = $1", Hash, TakesJobId: true, whole);

        var throughJob = await TargetComparison.SumAsync(stack.Db, Target("false"), _job, CancellationToken.None);
        var wholeTable = await TargetComparison.SumAsync(stack.Db, Target("true"), _job, CancellationToken.None);

        Assert.Equal(Keys - Keys / 5, throughJob.Count);
        Assert.Equal(throughJob, wholeTable);
    }

    private async Task<StagedDigest> SumLoadableAsync()
    {
        await using var command = stack.Db.CreateCommand($"SELECT count(*), coalesce(bit_xor({Hash}), 0) FROM {Staging} s WHERE s.outcome = 0");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new StagedDigest(reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task<(long First, long Second)> SupersededFirstAndSecondAsync()
    {
        await using var command = stack.Db.CreateCommand(
            $"SELECT count(*) FILTER (WHERE seq < {Keys}), count(*) FILTER (WHERE seq >= {Keys}) FROM {Staging} WHERE outcome = 1");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
