using AdManager.IntegrationTests.Infrastructure;
using Npgsql;

namespace AdManager.IntegrationTests.FaultTolerance;

/// <summary>
/// The job's stored state moved on under a running activation (as when a silo handing the job over wrote its last
/// checkpoint after the new activation had read it): the stale activation's writes are refused, it does not end the
/// job (nor does any reader see the final status it tried to store), and the run that resumes it logs the phase the
/// job is really in.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StaleStateTests(TestStack stack)
{
    [Fact]
    public async Task A_job_whose_stored_state_moved_on_mid_load_completes_and_its_lines_after_that_say_Loading()
    {
        using var export = new CatalogExport(products: 1500);
        await using var host = new MigrationHost(stack, "stale-" + export.P, new Dictionary<string, string?> { ["Jobs:MaxBatchesPerSecond"] = "10" });
        var api = new JobsClient(host.CreateClient());
        var jobId = await api.SubmitAsync(export.Request(batchSize: 50));
        await StoreOutageTests.WaitForBatchesAsync(api, jobId, 3);

        // Another writer's version of the job's state: the activation's next checkpoint is refused (its ETag is stale),
        // and so is the final status it then tries to store.
        await using (var bump = new NpgsqlCommand("UPDATE orleansstorage SET version = version + 1 WHERE serviceid = $1 AND graintypestring = 'job'",
                         await stack.Db.OpenConnectionAsync()))
        {
            bump.Parameters.Add(new NpgsqlParameter { Value = host.ServiceId });
            Assert.Equal(1, await bump.ExecuteNonQueryAsync());
        }

        var (job, seen) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(180));
        Assert.Equal("Completed", job["status"]!.GetValue<string>());
        // The final status the stale activation could not store was never shown.
        Assert.DoesNotContain("Failed", seen);
        FaultAssertions.HistoryIsLegal(job);
        await FaultAssertions.TargetsMatchReportAsync(stack, export, await api.ReportAsync(jobId), jobId);

        var records = host.Logs.Records.Where(r => r.Scopes.GetValueOrDefault("JobId") == jobId.ToString()).ToList();
        var notStored = records.FindIndex(r => r.EventId == 1014);
        Assert.True(notStored >= 0, "the stale activation's final status was not refused (no event 1014)");
        var batchesAfter = records.Skip(notStored).Where(r => r.EventId == 1005).ToList();
        Assert.NotEmpty(batchesAfter);
        Assert.All(batchesAfter, r => Assert.Equal("Loading", r.Scopes.GetValueOrDefault("Phase")));
    }
}
