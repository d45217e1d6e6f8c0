using AdManager.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AdManager.IntegrationTests.FaultTolerance;

/// <summary>
/// A cancel that reaches a job while no activation runs it: its host stopped (here, with its calls in flight never
/// answered, as when a host dies), and the cancel activates the job on a new host before, or just after, its resume
/// starts. The job ends Cancelled the way a running job would have at the point it stopped.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class CancelAfterHostStoppedTests(TestStack stack)
{
    /// <summary>
    /// The stopped host's last loader calls wrote their items, but the job never heard back, so its checkpoint does not
    /// count them. Cancelled on the next host, the job still reports as loaded exactly what the targets hold.
    /// </summary>
    [Fact]
    public async Task A_job_cancelled_after_its_host_stopped_mid_load_reports_what_the_targets_hold()
    {
        using var export = new CatalogExport(products: 2000);
        var serviceId = "cancel-stopped-load-" + export.P;
        var unanswered = new WrittenButUnanswered(passing: 6);
        Guid jobId;
        await using (var first = new MigrationHost(stack, serviceId, services: services =>
            services.AddSingleton(InterceptedDynamo.Wrap(stack.Dynamo, unanswered, "BatchWriteItemAsync"))))
        {
            try
            {
                jobId = await new JobsClient(first.CreateClient()).SubmitAsync(export.Request(batchSize: 50));
                await unanswered.Holding.Task.WaitAsync(TimeSpan.FromSeconds(60));
                // The host stops; the job pauses without its calls in flight, whose items are in DynamoDB.
                var stopping = first.DisposeAsync().AsTask();
                await Poll.UntilAsync(() => Task.FromResult(first.Logs.Records.Any(r => r.EventId == 1016)),
                    TimeSpan.FromSeconds(60), "the job to pause without the answers of its calls in flight");
                unanswered.Release();
                await stopping;
            }
            finally
            {
                unanswered.Release();
            }
        }

        // Paced, so a resume that starts before the cancel lands cannot load the rest meanwhile.
        await using var second = new MigrationHost(stack, serviceId, new Dictionary<string, string?> { ["Jobs:MaxBatchesPerSecond"] = "1" });
        var api = new JobsClient(second.CreateClient());
        await api.CancelAsync(jobId);
        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(60));

        Assert.Equal("Cancelled", job["status"]!.GetValue<string>());
        FaultAssertions.HistoryIsLegal(job);
        var report = await api.ReportAsync(jobId);
        Assert.InRange(report["entities"]!["products"]!["loaded"]!.GetValue<long>(), 1, export.Products - 1);
        await FaultAssertions.TargetsMatchReportAsync(stack, export, report, jobId);
        Assert.Equal(report["entities"]!["catalogs"]!["loaded"]!.GetValue<long>() + report["entities"]!["products"]!["loaded"]!.GetValue<long>(),
            job["progress"]!["recordsLoaded"]!.GetValue<long>());
    }

    /// <summary>
    /// Stopped while it read the targets back, cancelled on the next host: everything it loaded stays loaded and its
    /// report says the comparison did not finish (a validation without checks is not a failed one).
    /// </summary>
    [Fact]
    public async Task A_job_cancelled_after_its_host_stopped_in_Validating_says_the_comparison_did_not_finish()
    {
        using var export = new CatalogExport(products: 120);
        var serviceId = "cancel-stopped-validate-" + export.P;
        var firstGate = new CancelInAnyPhaseTests.ReadGate();
        Guid jobId;
        await using (var first = new MigrationHost(stack, serviceId, services: services => services.AddSingleton(firstGate.Wrap(stack.Dynamo))))
        {
            jobId = await new JobsClient(first.CreateClient()).SubmitAsync(export.Request(batchSize: 50));
            await firstGate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }

        // The next host's read-back is held too, so a resume that starts before the cancel lands cannot finish meanwhile.
        var secondGate = new CancelInAnyPhaseTests.ReadGate();
        await using var second = new MigrationHost(stack, serviceId, services: services => services.AddSingleton(secondGate.Wrap(stack.Dynamo)));
        try
        {
            var api = new JobsClient(second.CreateClient());
            await api.CancelAsync(jobId);
            var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(60));

            Assert.Equal("Cancelled", job["status"]!.GetValue<string>());
            Assert.Equal("InProgress:Validating", JobsClient.History(job)[^2]);
            var report = await api.ReportAsync(jobId);
            Assert.Equal(export.Products, report["entities"]!["products"]!["loaded"]!.GetValue<long>());
            Assert.False(report["nothingWritten"]!.GetValue<bool>());
            Assert.Empty(report["validation"]!["checks"]!.AsArray());
            Assert.Contains(report["warnings"]!.AsArray(), w => w!.GetValue<string>().StartsWith("cancelled while validating", StringComparison.Ordinal));
            await FaultAssertions.TargetsMatchReportAsync(stack, export, report, jobId);
        }
        finally
        {
            secondGate.Open();
        }
    }

    /// <summary>
    /// Lets the first <c>passing</c> BatchWriteItem requests through; every later one is written and then not answered
    /// until <see cref="Release"/>, as for a host that dies after its writes reached DynamoDB but before the job heard.
    /// </summary>
    private sealed class WrittenButUnanswered(int passing) : IDynamoInterceptor
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        /// <summary>Set once a written request is held.</summary>
        public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        public async Task<T> InvokeAsync<T>(Func<Task<T>> call, CancellationToken ct)
        {
            var response = await call();
            if (Interlocked.Increment(ref _calls) > passing)
            {
                Holding.TrySetResult();
                await _release.Task;
            }
            return response;
        }
    }
}
