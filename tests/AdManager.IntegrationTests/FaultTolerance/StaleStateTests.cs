using AdManager.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace AdManager.IntegrationTests.FaultTolerance;

/// <summary>
/// The job's stored state moved on under a running activation (as when a silo handing the job over wrote its last
/// checkpoint after the new activation had read it): the stale activation's writes are refused. It goes on from the
/// stored checkpoint; when it may not (no retries left) it tries to end the job, that is refused too, no reader ever
/// sees the final status it tried to store, and the run the reminder resumes logs the phase the job is really in.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StaleStateTests(TestStack stack)
{
    [Fact]
    public async Task An_activation_whose_stored_state_moved_on_mid_load_goes_on_from_the_stored_checkpoint()
    {
        var (host, jobId, job, _) = await RunWithStateMovedOnAsync(new Dictionary<string, string?>());
        await using (host)
        {
            var records = JobRecords(host, jobId);
            var movedOn = records.FindIndex(r => r.EventId == 1018);
            Assert.True(movedOn >= 0, "the refused write was not reported as the state having moved on (event 1018)");
            // Not a failure: no error line of the job's own (Orleans logs the refused write itself), no attempt to end it.
            Assert.DoesNotContain(records, r => r.Category.StartsWith("AdManager", StringComparison.Ordinal) && r.Level >= LogLevel.Error);
            Assert.DoesNotContain(records, r => r.EventId == 1014);
            Assert.Equal(["InProgress:Loading", "InProgress:Validating", "Completed"], History(job).SkipWhile(h => h != "InProgress:Loading"));
            AssertLoadingLinesAfter(records, movedOn);
        }
    }

    [Fact]
    public async Task With_no_retries_left_the_refused_final_status_is_never_shown_and_the_resumed_run_logs_its_phase()
    {
        // Every write of grain state takes 300 ms more while the job runs, so that polls come while the refused final
        // status is being written (without it they met that moment about one time in three).
        var (host, jobId, _, seen) = await RunWithStateMovedOnAsync(new Dictionary<string, string?> { ["Jobs:RetryBudget"] = "0" }, slowStateWrites: true);
        await using (host)
        {
            // The final status the stale activation could not store was never shown to a poller.
            Assert.DoesNotContain("Failed", seen);
            var records = JobRecords(host, jobId);
            var notStored = records.FindIndex(r => r.EventId == 1014);
            Assert.True(notStored >= 0, "the stale activation's final status was not refused (no event 1014)");
            AssertLoadingLinesAfter(records, notStored);
        }
    }

    /// <summary>
    /// While a refused checkpoint is being written, and until the run goes back to the stored one, the job's figures are
    /// the stored checkpoint's: batches done and records loaded never step back (they did, by the batches of the refused
    /// checkpoint, for a reader that came while it was written).
    /// </summary>
    [Fact]
    public async Task Batches_and_records_loaded_never_step_back_when_the_job_returns_to_its_checkpoint()
    {
        using var export = new CatalogExport(products: 1500);
        await using var host = new MigrationHost(stack, "back-" + export.P, new Dictionary<string, string?> { ["Jobs:MaxBatchesPerSecond"] = "10" });
        var api = new JobsClient(host.CreateClient());
        var jobId = await api.SubmitAsync(export.Request(batchSize: 50));
        await StoreOutageTests.WaitForBatchesAsync(api, jobId, 3);
        try
        {
            await SlowStateWritesAsync();
            Assert.Equal(1, await stack.Db.ExecAsync("UPDATE orleansstorage SET version = version + 1 WHERE serviceid = $1 AND graintypestring = 'job'", host.ServiceId));

            var (batches, loaded) = (0, 0L);
            while (true)
            {
                var job = await api.GetAsync(jobId);
                var progress = job["progress"]!;
                var (nowBatches, nowLoaded) = (progress["batchesCompleted"]!.GetValue<int>(), progress["recordsLoaded"]!.GetValue<long>());
                Assert.True(nowBatches >= batches, $"batches completed stepped back from {batches} to {nowBatches}");
                Assert.True(nowLoaded >= loaded, $"records loaded stepped back from {loaded} to {nowLoaded}");
                (batches, loaded) = (nowBatches, nowLoaded);
                if (job["status"]!.GetValue<string>() is "Completed" or "CompletedWithErrors" or "Failed" or "Cancelled") break;
                await Task.Delay(20);
            }
        }
        finally
        {
            await DropSlowStateWritesAsync();
        }
        Assert.Contains(JobRecords(host, jobId), r => r.EventId == 1018);
        Assert.Equal("Completed", (await api.GetAsync(jobId))["status"]!.GetValue<string>());
    }

    private async Task<(MigrationHost Host, Guid JobId, System.Text.Json.Nodes.JsonNode Job, List<string> Seen)> RunWithStateMovedOnAsync(
        Dictionary<string, string?> settings, bool slowStateWrites = false)
    {
        using var export = new CatalogExport(products: 1500);
        settings["Jobs:MaxBatchesPerSecond"] = "10";
        var host = new MigrationHost(stack, "stale-" + export.P, settings);
        try
        {
            return await RunAsync(host, export, slowStateWrites);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        finally
        {
            if (slowStateWrites) await DropSlowStateWritesAsync();
        }
    }

    private async Task<(MigrationHost Host, Guid JobId, System.Text.Json.Nodes.JsonNode Job, List<string> Seen)> RunAsync(
        MigrationHost host, CatalogExport export, bool slowStateWrites)
    {
        var api = new JobsClient(host.CreateClient());
        var jobId = await api.SubmitAsync(export.Request(batchSize: 50));
        await StoreOutageTests.WaitForBatchesAsync(api, jobId, 3);
        if (slowStateWrites) await SlowStateWritesAsync();

        // Another writer's version of the job's state: the activation's next write is refused (its ETag is stale).
        Assert.Equal(1, await stack.Db.ExecAsync("UPDATE orleansstorage SET version = version + 1 WHERE serviceid = $1 AND graintypestring = 'job'", host.ServiceId));

        var (job, seen) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(180));
        Assert.Equal("Completed", job["status"]!.GetValue<string>());
        FaultAssertions.HistoryIsLegal(job);
        await FaultAssertions.TargetsMatchReportAsync(stack, export, await api.ReportAsync(jobId), jobId);
        return (host, jobId, job, seen);
    }

    /// <summary>Every write of grain state (of any test's) takes 300 ms more, until <see cref="DropSlowStateWritesAsync"/>.</summary>
    private Task SlowStateWritesAsync() => stack.Db.ExecAsync("""
        CREATE OR REPLACE FUNCTION admanager_test_slow_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.3); RETURN NULL; END $$;
        DROP TRIGGER IF EXISTS admanager_test_slow_write ON orleansstorage;
        CREATE TRIGGER admanager_test_slow_write BEFORE UPDATE ON orleansstorage FOR EACH STATEMENT EXECUTE FUNCTION admanager_test_slow_write();
        """);

    private Task DropSlowStateWritesAsync() =>
        stack.Db.ExecAsync("DROP TRIGGER IF EXISTS admanager_test_slow_write ON orleansstorage; DROP FUNCTION IF EXISTS admanager_test_slow_write()");

    private static List<LogRecord> JobRecords(MigrationHost host, Guid jobId) =>
        [.. host.Logs.Records.Where(r => r.Scopes.GetValueOrDefault("JobId") == jobId.ToString())];

    private static List<string> History(System.Text.Json.Nodes.JsonNode job) => JobsClient.History(job);

    /// <summary>Every batch line from <paramref name="from"/> on says the job is Loading.</summary>
    private static void AssertLoadingLinesAfter(List<LogRecord> records, int from)
    {
        var batches = records.Skip(from).Where(r => r.EventId == 1005).ToList();
        Assert.NotEmpty(batches);
        Assert.All(batches, r => Assert.Equal("Loading", r.Scopes.GetValueOrDefault("Phase")));
    }
}
