using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Operations;

/// <summary>
/// The silo's start-up warm-up runs the real job path against PostgreSQL (extraction, resolution, the loaders' and
/// validation's reads, merges of an empty range, a start event for a job that does not exist) and must leave nothing behind: no job, no table, no row, nothing in a target.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StartupWarmUpTests(TestStack stack)
{
    [Fact]
    public async Task The_warm_up_stages_resolves_and_reads_its_records_then_leaves_no_job_table_or_row_behind()
    {
        // A first silo creates the schema (the test database may be new), then stops: the second one's warm-up is measured.
        await using (var first = await StartedAsync())
        {
        }
        var tablesBefore = await SchemaTables.ListAsync(stack.Db, perJobStaging: true);
        var rejectionsBefore = await stack.Db.CountAsync("SELECT count(*) FROM migration_rejections");
        var batchesBefore = await stack.Db.CountAsync("SELECT count(*) FROM stage_batches");
        var jobsBefore = await stack.Db.CountAsync("SELECT count(*) FROM migration_jobs");
        var started = DateTimeOffset.UtcNow;

        await using var host = await StartedAsync();

        Assert.DoesNotContain(WarmUpFailed, host.Logs.AllText);
        Assert.Contains(WarmedUp, host.Logs.AllText);
        Assert.Equal(tablesBefore, await SchemaTables.ListAsync(stack.Db, perJobStaging: true));
        Assert.Equal(rejectionsBefore, await stack.Db.CountAsync("SELECT count(*) FROM migration_rejections"));
        Assert.Equal(batchesBefore, await stack.Db.CountAsync("SELECT count(*) FROM stage_batches"));
        Assert.Equal(jobsBefore, await stack.Db.CountAsync("SELECT count(*) FROM migration_jobs"));
        // Written (or rewritten: an upsert keeps the count) since the silo started: migrated_at is the write's time.
        Assert.Equal(0, await stack.Db.CountAsync("SELECT (SELECT count(*) FROM campaign_metadata WHERE migrated_at >= $1) + (SELECT count(*) FROM catalog_metadata WHERE migrated_at >= $1)", started));
    }

    private const string WarmedUp = "Job path compiled and exercised";
    private const string WarmUpFailed = "warm-up of the job path failed";

    /// <summary>A started silo whose warm-up has ended (logged) and cleaned up.</summary>
    private async Task<MigrationHost> StartedAsync()
    {
        var host = new MigrationHost(stack, "warm-" + Guid.NewGuid().ToString("N")[..8]);
        using (host.CreateClient())
        {
        }
        await Poll.UntilAsync(() => Task.FromResult(host.Logs.AllText.Contains(WarmedUp, StringComparison.Ordinal)
                || host.Logs.AllText.Contains(WarmUpFailed, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), "the warm-up to finish");
        // Its clean-up runs right after the log line.
        await Task.Delay(TimeSpan.FromSeconds(1));
        return host;
    }
}
