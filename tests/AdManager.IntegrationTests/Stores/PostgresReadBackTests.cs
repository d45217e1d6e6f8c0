using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Stores.Postgres;
using AdManager.IntegrationTests.Infrastructure;
using Npgsql;

namespace AdManager.IntegrationTests.Stores;

/// <summary>
/// Validation's read-back of a PostgreSQL target on the real server: the checksums settle an exact load, and any
/// changed, missing or overwritten row sends it to the record-by-record pass, which counts and names them.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PostgresReadBackTests(TestStack stack) : IAsyncLifetime
{
    private const int Rows = 300;
    private readonly Guid _job = Guid.CreateVersion7();
    private readonly string _prefix = "rb" + Guid.NewGuid().ToString("N")[..10] + "-";

    private string Staging => StagingTables.Name(EntityKind.Campaigns, _job);
    private CampaignMetadataStore Store => new(stack.Db);

    public async Task InitializeAsync()
    {
        // The job's loaded campaigns, staged and in the target as the loader writes them: every nullable and typed
        // column varies, and one staged row is superseded (outcome 1), so it is not expected in the target.
        await stack.Db.ExecAsync(StagingTables.CreateIfMissing(EntityKind.Campaigns, _job));
        await stack.Db.ExecAsync($"""
            INSERT INTO {Staging} (seq, line, maybe_duplicate, campaign_id, merchant_id, name, status, daily_budget_micros, currency,
                                   start_date, end_date, targeting, source_modified_at, source_modified_ticks, outcome)
            SELECT i, i + 2, false, $1 || lpad(i::text, 5, '0'), 'm' || (i % 7), 'Campaign ' || i, CASE WHEN i % 3 = 0 THEN 'ACTIVE' ELSE 'PAUSED' END,
                   i * 1000000, CASE WHEN i % 2 = 0 THEN 'EUR' ELSE 'USD' END, date '2024-01-01' + i,
                   CASE WHEN i % 4 = 0 THEN NULL ELSE date '2025-01-01' + i END,
                   CASE WHEN i % 5 = 0 THEN jsonb_build_object() ELSE jsonb_build_object('geo', jsonb_build_array('DE', 'FR'), 'age', jsonb_build_object('min', i % 50)) END,
                   timestamptz '2024-03-01 00:00:00+00' + i * interval '1 minute', 0, CASE WHEN i = 17 THEN 1 ELSE 0 END
            FROM generate_series(0, {Rows}) i
            """, _prefix);
        await LoadStagedRowsAsync(outcome: 0);
    }

    public async Task DisposeAsync()
    {
        await stack.Db.ExecAsync("DELETE FROM campaign_metadata WHERE campaign_id LIKE $1 || '%'", _prefix);
        await stack.Db.ExecAsync(StagingTables.Drop(EntityKind.Campaigns, _job));
    }

    [Fact]
    public async Task An_exact_load_is_settled_by_the_checksums()
    {
        var result = await Store.CompareAsync(_job, 20, CancellationToken.None);

        Assert.Equal((Rows, Rows, Rows), (result.Expected, result.Found, result.Matched));
        Assert.Empty(result.DifferingKeys);
        Assert.True(result.SettledByChecksum);
    }

    [Fact]
    public async Task Changed_missing_and_overwritten_rows_are_counted_and_named()
    {
        // One value changed (a NULL end date given one), one row deleted, one overwritten by another job, and two rows'
        // names swapped (the same values, each under the other key).
        await stack.Db.ExecAsync("UPDATE campaign_metadata SET end_date = date '2030-01-01' WHERE campaign_id = $1 || '00004'", _prefix);
        await stack.Db.ExecAsync("DELETE FROM campaign_metadata WHERE campaign_id = $1 || '00010'", _prefix);
        await stack.Db.ExecAsync("UPDATE campaign_metadata SET migration_job_id = gen_random_uuid() WHERE campaign_id = $1 || '00020'", _prefix);
        await stack.Db.ExecAsync("""
            UPDATE campaign_metadata t SET name = CASE t.campaign_id WHEN $1 || '00030' THEN 'Campaign 31' ELSE 'Campaign 30' END
            WHERE t.campaign_id IN ($1 || '00030', $1 || '00031')
            """, _prefix);

        var result = await Store.CompareAsync(_job, 20, CancellationToken.None);

        Assert.False(result.SettledByChecksum);
        Assert.Equal(Rows, result.Expected);
        Assert.Equal(Rows - 2, result.Found);
        Assert.Equal(Rows - 5, result.Matched);
        Assert.Equal(new[] { "00004", "00010", "00020", "00030", "00031" }.Select(k => _prefix + k), result.DifferingKeys);
    }

    [Fact]
    public async Task A_row_of_this_job_under_a_key_it_did_not_load_is_not_counted_as_found()
    {
        // The superseded row's key carries this job's id in the target: the counts agree with a missing row only if
        // the checksum is ignored.
        await stack.Db.ExecAsync("DELETE FROM campaign_metadata WHERE campaign_id = $1 || '00040'", _prefix);
        await LoadStagedRowsAsync(outcome: 1);

        var result = await Store.CompareAsync(_job, 20, CancellationToken.None);

        Assert.False(result.SettledByChecksum);
        Assert.Equal((Rows, Rows - 1, Rows - 1), (result.Expected, result.Found, result.Matched));
        Assert.Equal([_prefix + "00040"], result.DifferingKeys);
    }

    /// <summary>Writes the staged rows of an outcome into the target with this job's id, as the loader's merge does.</summary>
    private Task LoadStagedRowsAsync(short outcome) => stack.Db.ExecAsync($"""
        INSERT INTO campaign_metadata (campaign_id, merchant_id, name, status, daily_budget_micros, currency, start_date, end_date,
                                       targeting, source_modified_at, migration_job_id, migrated_at)
        SELECT campaign_id, merchant_id, name, status, daily_budget_micros, currency, start_date, end_date, targeting, source_modified_at,
               $1, now()
        FROM {Staging} WHERE outcome = $2
        """, _job, outcome);
}
