using AdManager.Grains.Abstractions.Loading;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Stores.Postgres;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Stores;

/// <summary>
/// A run of staged campaigns goes into <c>campaign_metadata</c> as a plain insert when the target holds none of its keys,
/// and as an upsert when it holds some: then every row is written all the same, the ones already there with the staged
/// values and this job's id. The key already present comes last in the run, so the plain insert fails only after writing
/// every other row, which its rollback must take back.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StagedMergeTests(TestStack stack) : IAsyncLifetime
{
    private const int Rows = 2500;
    private readonly Guid _job = Guid.CreateVersion7();
    private readonly string _prefix = "merge-" + Guid.NewGuid().ToString("N")[..8] + "-";
    private readonly DateTimeOffset _migratedAt = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private string Staging => StagingTables.Name(EntityKind.Campaigns, _job);
    private string LastKey => _prefix + (Rows - 1).ToString("D5");

    public async Task InitializeAsync()
    {
        await stack.Db.ExecAsync(StagingTables.CreateIfMissing(EntityKind.Campaigns, _job));
        await stack.Db.ExecAsync($"""
            INSERT INTO {Staging} (seq, line, maybe_duplicate, campaign_id, merchant_id, name, status, daily_budget_micros, currency,
                                   start_date, end_date, targeting, source_modified_at, source_modified_ticks)
            SELECT i, i + 2, false, $1 || lpad(i::text, 5, '0'), 'm' || (i % 7), 'staged name ' || i, 'ACTIVE',
                   i * 1000, 'EUR', date '2024-01-01' + (i % 300), NULL, jsonb_build_object('geo', jsonb_build_array('DE')),
                   timestamptz '2024-03-01 00:00:00+00', 0
            FROM generate_series(0, {Rows - 1}) i
            """, _prefix);
        await new StagingResolver(stack.Db).ResolveAsync(_job, batchSize: 1000,
            new Dictionary<EntityKind, long?> { [EntityKind.Campaigns] = Rows }, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await stack.Db.ExecAsync("DELETE FROM campaign_metadata WHERE campaign_id LIKE $1 || '%'", _prefix);
        await new StagingReader(stack.Db).DeleteStagingAsync(_job, CancellationToken.None);
    }

    [Fact]
    public async Task Into_a_target_without_the_runs_keys_the_rows_go_in_as_plain_inserts()
    {
        var result = await MergeAllAsync();

        Assert.False(result.Upserted);
        Assert.Equal(Rows, result.Written);
        Assert.Empty(result.Refused);
        await AssertAllStagedAsync();
    }

    [Fact]
    public async Task When_the_target_holds_a_key_of_the_run_every_row_is_upserted_and_the_old_row_takes_the_staged_values()
    {
        var earlierJob = Guid.CreateVersion7();
        await stack.Db.ExecAsync("""
            INSERT INTO campaign_metadata (campaign_id, merchant_id, name, status, daily_budget_micros, currency, start_date,
                                           targeting, source_modified_at, migration_job_id, migrated_at)
            VALUES ($1, 'old-merchant', 'old name', 'PAUSED', 1, 'USD', date '2020-01-01', '{}', timestamptz '2020-01-01 00:00:00+00', $2, now())
            """, LastKey, earlierJob);

        var result = await MergeAllAsync();

        Assert.True(result.Upserted);
        Assert.Equal(Rows, result.Written);
        await AssertAllStagedAsync();
        Assert.Equal(0, await stack.Db.CountAsync("SELECT count(*) FROM campaign_metadata WHERE migration_job_id = $1", earlierJob));
    }

    private Task<StagedMergeResult> MergeAllAsync() =>
        new CampaignMetadataStore(stack.Db).MergeStagedAsync(
            new StagedBatches(_job, FirstBatch: 0, LastBatch: (Rows - 1) / 1000, _migratedAt, ExpectedRows: Rows), CancellationToken.None);

    /// <summary>Every staged row is in the target once, with its staged values, this job's id and migrated_at.</summary>
    private async Task AssertAllStagedAsync()
    {
        Assert.Equal(Rows, await stack.Db.CountAsync("SELECT count(*) FROM campaign_metadata WHERE campaign_id LIKE $1 || '%'", _prefix));
        Assert.Equal(0, await stack.Db.CountAsync($"""
            SELECT count(*) FROM {Staging} s
            WHERE NOT EXISTS (SELECT 1 FROM campaign_metadata t
                              WHERE t.campaign_id = s.campaign_id AND t.merchant_id = s.merchant_id AND t.name = s.name
                                AND t.status = s.status AND t.daily_budget_micros = s.daily_budget_micros AND t.currency = s.currency
                                AND t.start_date = s.start_date AND t.targeting = s.targeting
                                AND t.source_modified_at = s.source_modified_at
                                AND t.migration_job_id = $1 AND t.migrated_at = $2)
            """, _job, _migratedAt));
    }
}
