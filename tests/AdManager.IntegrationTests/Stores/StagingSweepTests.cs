using AdManager.Grains.Abstractions.Jobs;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Stores.Postgres;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Stores;

/// <summary>
/// Staging a job could not drop itself (its silo died between the final status and the <c>DROP</c>, or PostgreSQL was
/// unreachable then) is dropped by the sweep, and nothing a job may still use is: a job that is not final keeps its
/// tables and batch rows, and so does an id without a job row that is recent or whose age cannot be read.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StagingSweepTests(TestStack stack) : IAsyncLifetime
{
    private readonly Guid _final = Guid.CreateVersion7();
    private readonly Guid _running = Guid.CreateVersion7();
    private readonly Guid _oldOrphan = Guid.CreateVersion7(DateTimeOffset.UtcNow.AddHours(-2));
    private readonly Guid _newOrphan = Guid.CreateVersion7();
    private readonly Guid _ageless = Guid.NewGuid();

    private IEnumerable<Guid> All => [_final, _running, _oldOrphan, _newOrphan, _ageless];

    public async Task InitializeAsync()
    {
        await JobRowAsync(_final, JobStatus.CompletedWithErrors);
        await JobRowAsync(_running, JobStatus.Loading);
        foreach (var job in All)
        {
            foreach (var entity in EntitySchema.All) await stack.Db.ExecAsync(StagingTables.CreateIfMissing(entity.Kind, job));
            await stack.Db.ExecAsync("INSERT INTO stage_batches (job_id, entity, batch_no, first_seq, last_seq) VALUES ($1, 0, 0, 0, 999)", job);
        }
    }

    public async Task DisposeAsync()
    {
        var reader = new StagingReader(stack.Db);
        foreach (var job in All) await reader.DeleteStagingAsync(job, CancellationToken.None);
        await stack.Db.ExecAsync("DELETE FROM migration_jobs WHERE job_id = ANY($1)", new[] { _final, _running });
    }

    [Fact]
    public async Task The_sweep_drops_the_staging_of_final_jobs_and_of_old_ids_without_a_job_and_keeps_the_rest()
    {
        var swept = await new StagingSweep(stack.Db, new StagingReader(stack.Db)).RunAsync(TimeSpan.FromHours(1), DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Contains(_final, swept);
        Assert.Contains(_oldOrphan, swept);
        foreach (var kept in new[] { _running, _newOrphan, _ageless }) Assert.DoesNotContain(kept, swept);
        Assert.Equal((0, 0), await LeftAsync(_final));
        Assert.Equal((0, 0), await LeftAsync(_oldOrphan));
        foreach (var kept in new[] { _running, _newOrphan, _ageless }) Assert.Equal((EntitySchema.All.Count, 1), await LeftAsync(kept));
        // The final job itself is untouched: its row (and the report the API serves from the grain) stays.
        Assert.Equal(1, await stack.Db.CountAsync("SELECT count(*) FROM migration_jobs WHERE job_id = $1", _final));
    }

    [Fact]
    public async Task A_starting_silo_sweeps_and_says_what_it_dropped()
    {
        await using var host = new MigrationHost(stack, "sweep-" + Guid.NewGuid().ToString("N")[..8]);
        using (host.CreateClient())
        {
        }

        await Poll.UntilAsync(async () => (await LeftAsync(_final)) == (0, 0) && (await LeftAsync(_oldOrphan)) == (0, 0),
            TimeSpan.FromSeconds(30), "the silo's start-up sweep");
        await Poll.UntilAsync(() => Task.FromResult(host.Logs.AllText.Contains(_final.ToString(), StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "the sweep's log line");
        Assert.Contains("Dropped the staging left by", host.Logs.AllText);
        Assert.Equal((EntitySchema.All.Count, 1), await LeftAsync(_running));
    }

    private Task JobRowAsync(Guid job, JobStatus status) => stack.Db.ExecAsync("""
        INSERT INTO migration_jobs (job_id, status, submitted_at, updated_at, service_id, data_types)
        VALUES ($1, $2, now(), now(), 'sweep-test', '{CampaignData}')
        """, job, status.ToWire());

    /// <summary>The job's staging tables and stage_batches rows still there.</summary>
    private async Task<(long Tables, long Batches)> LeftAsync(Guid job) => (
        await stack.Db.CountAsync("SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE '%' || $1", job.ToString("N")),
        await stack.Db.CountAsync("SELECT count(*) FROM stage_batches WHERE job_id = $1", job));
}
