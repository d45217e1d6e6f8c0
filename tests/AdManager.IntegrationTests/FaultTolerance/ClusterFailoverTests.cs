using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.FaultTolerance;

/// <summary>Real silo processes in cluster mode (ADO.NET membership on PostgreSQL), killed with SIGKILL.</summary>
[Collection(StackCollection.Name)]
public sealed class ClusterFailoverTests(TestStack stack)
{
    private static readonly Dictionary<string, string?> SlowLoading = new(SiloPod.FastFailureDetection)
    {
        // Paces loading so the test can act while the job is in Loading.
        ["Jobs:MaxBatchesPerSecond"] = "8",
    };

    private static readonly Dictionary<string, string?> Fast = new(SiloPod.FastFailureDetection);

    [Fact]
    public async Task Killing_the_silo_that_runs_a_job_mid_load_lets_another_silo_finish_it_exactly()
    {
        using var export = new CatalogExport(products: 2000);
        var serviceId = "kill-" + export.P;
        var silos = new List<SiloPod>();
        try
        {
            for (var i = 1; i <= 3; i++) silos.Add(await SiloPod.StartReadyAsync(stack, serviceId, $"{serviceId}-{i}", SlowLoading));

            var jobId = await new JobsClient(silos[0].Http).SubmitAsync(export.Request(batchSize: 50));
            var host = await WaitForLoadingAsync(silos[0], jobId, batches: 4);
            var victim = silos.Single(s => s.Name == host);
            await victim.KillAsync();

            var survivor = silos.First(s => !s.HasExited);
            var api = new JobsClient(survivor.Http);
            var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(120));

            Assert.Equal("Completed", job["status"]!.GetValue<string>());
            FaultAssertions.HistoryIsLegal(job);
            var report = await api.ReportAsync(jobId);
            Assert.Equal(export.Products, report["entities"]!["products"]!["loaded"]!.GetValue<long>());
            Assert.True(report["validation"]!["passed"]!.GetValue<bool>());
            await FaultAssertions.TargetsMatchReportAsync(stack, export, report, jobId);
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_job_whose_silos_all_died_right_after_the_202_finishes_on_a_new_silo()
    {
        using var export = new CatalogExport(products: 300);
        var serviceId = "all-" + export.P;
        Guid jobId;
        await using (var a = await SiloPod.StartReadyAsync(stack, serviceId, serviceId + "-1", Fast))
        await using (var b = await SiloPod.StartReadyAsync(stack, serviceId, serviceId + "-2", Fast))
        {
            jobId = await new JobsClient(a.Http).SubmitAsync(export.Request());
            await a.KillAsync();
            await b.KillAsync();
        }

        await using var fresh = await SiloPod.StartReadyAsync(stack, serviceId, serviceId + "-3", Fast);
        var api = new JobsClient(fresh.Http);
        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(120));

        Assert.Equal("Completed", job["status"]!.GetValue<string>());
        FaultAssertions.HistoryIsLegal(job);
        await FaultAssertions.TargetsMatchReportAsync(stack, export, await api.ReportAsync(jobId), jobId);
    }

    /// <summary>Polls until the job is loading with some batches stored; returns the silo hosting it.</summary>
    private static async Task<string> WaitForLoadingAsync(SiloPod silo, Guid jobId, int batches)
    {
        var api = new JobsClient(silo.Http);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var job = await api.GetAsync(jobId);
            var status = job["status"]!.GetValue<string>();
            Assert.DoesNotContain(status, new[] { "Completed", "Failed", "CompletedWithErrors", "Cancelled" });
            if (status == "InProgress:Loading" && job["progress"]!["batchesCompleted"]!.GetValue<int>() >= batches && job["host"] is { } host)
                return host.GetValue<string>();
            await Task.Delay(100);
        }
        throw new TimeoutException($"job {jobId} did not reach Loading");
    }
}
