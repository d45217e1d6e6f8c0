using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.FaultTolerance;

[Collection(StackCollection.Name)]
public sealed class CancelAndOverlapTests(TestStack stack)
{
    [Fact]
    public async Task Cancelling_mid_load_stops_at_a_batch_boundary_and_reports_what_was_loaded()
    {
        using var export = new CatalogExport(products: 2000);
        await using var host = new MigrationHost(stack, "cancel-" + export.P, new Dictionary<string, string?> { ["Jobs:MaxBatchesPerSecond"] = "10" });
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(export.Request(batchSize: 50));
        await StoreOutageTests.WaitForBatchesAsync(api, jobId, 3);
        await api.CancelAsync(jobId);
        var (job, _) = await api.WaitForFinalAsync(jobId);

        Assert.Equal("Cancelled", job["status"]!.GetValue<string>());
        FaultAssertions.HistoryIsLegal(job);
        var report = await api.ReportAsync(jobId);
        var loaded = report["entities"]!["products"]!["loaded"]!.GetValue<long>();
        Assert.InRange(loaded, 1, export.Products - 1);
        await FaultAssertions.TargetsMatchReportAsync(stack, export, report, jobId);

        // Nothing is written after the job reported Cancelled.
        var products = (await Targets.ProductItemsAsync(stack, export.P)).Count;
        await Task.Delay(500);
        Assert.Equal(products, (await Targets.ProductItemsAsync(stack, export.P)).Count);
    }

    [Fact]
    public async Task Of_two_jobs_on_the_same_merchant_the_later_ones_data_wins_and_both_reports_are_exact()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..10] + "-";
        using var older = new CatalogExport(products: 600, prefix: prefix, nameTag: "old");
        using var newer = new CatalogExport(products: 600, prefix: prefix, nameTag: "new");
        await using var host = new MigrationHost(stack, "overlap-" + prefix, new Dictionary<string, string?> { ["Jobs:MaxBatchesPerSecond"] = "20" });
        var api = new JobsClient(host.CreateClient());

        var first = await api.SubmitAsync(older.Request(batchSize: 5));
        var second = await api.SubmitAsync(newer.Request(batchSize: 25));
        // While the first loads (120 batches at 20 a second), the second says whom it waits for.
        var waiting = await Poll.UntilAsync(async () =>
        {
            var job = await api.GetAsync(second);
            var status = job["status"]!.GetValue<string>();
            return job["waitingFor"]?.GetValue<string>()
                ?? (status is "Submitted" or "InProgress:Extracting" or "InProgress:Transforming" or "InProgress:Loading" ? null : $"moved on to {status} without waiting");
        }, TimeSpan.FromSeconds(30), "the second job to name the job it waits for");
        Assert.Equal(first.ToString(), waiting);
        var (secondJob, _) = await api.WaitForFinalAsync(second, TimeSpan.FromSeconds(120));
        Assert.Null(secondJob["waitingFor"]);
        var (firstJob, _) = await api.WaitForFinalAsync(first);

        Assert.Equal("Completed", firstJob["status"]!.GetValue<string>());
        Assert.Equal("Completed", secondJob["status"]!.GetValue<string>());
        Assert.True(DateTimeOffset.Parse(firstJob["completedAt"]!.GetValue<string>()) <= DateTimeOffset.Parse(secondJob["completedAt"]!.GetValue<string>()));
        foreach (var id in new[] { first, second })
        {
            var report = await api.ReportAsync(id);
            Assert.True(report["validation"]!["passed"]!.GetValue<bool>());
            Assert.Equal(600, report["entities"]!["products"]!["verified"]!.GetValue<long>());
        }
        var catalogs = await Targets.CatalogRowsAsync(stack, prefix);
        Assert.All(catalogs, c => Assert.EndsWith(" new", c.Name));
        var products = await Targets.ProductItemsAsync(stack, prefix);
        Assert.Equal(600, products.Count);
        Assert.All(products, p => Assert.Equal(second.ToString(), p["MigrationJobId"].S));
    }
}
