using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Stores.Postgres;
using AdManager.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AdManager.IntegrationTests.FaultTolerance;

/// <summary>The real PostgreSQL server and dynalite stopped and started under a running job.</summary>
[Collection(StackCollection.Name)]
public sealed class StoreOutageTests(TestStack stack)
{
    private static Dictionary<string, string?> Paced(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["Jobs:MaxBatchesPerSecond"] = "10" };
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    [Fact]
    public async Task A_postgres_restart_during_loading_does_not_stop_the_job()
    {
        using var export = new CatalogExport(products: 1500);
        await using var host = new MigrationHost(stack, "pg-" + export.P, Paced());
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(export.Request(batchSize: 50));
        await WaitForBatchesAsync(api, jobId, 3);
        await Infra.RestartPostgresAsync(stack);

        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(180));
        Assert.Equal("Completed", job["status"]!.GetValue<string>());
        FaultAssertions.HistoryIsLegal(job);
        await FaultAssertions.TargetsMatchReportAsync(stack, export, await api.ReportAsync(jobId), jobId);
    }

    [Fact]
    public async Task While_postgres_is_down_a_submission_is_a_503_problem_with_retry_after_and_the_same_request_later_is_accepted()
    {
        using var export = new CatalogExport(products: 20);
        await using var host = new MigrationHost(stack, "down-" + export.P);
        var api = new JobsClient(host.CreateClient());
        var body = JsonSerializer.Serialize(export.Request(batchSize: 50));
        var key = "down-" + export.P;

        await Infra.StopPostgresAsync();
        try
        {
            // The pod stays in the Service (every pod shares the store, so unready would take the whole API away):
            // ready answers 200, Degraded, naming the store.
            using (var ready = await api.Http.GetAsync("/health/ready"))
            {
                var health = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
                Assert.True(ready.StatusCode == HttpStatusCode.OK, health.ToJsonString());
                Assert.Equal("Degraded", health["status"]!.GetValue<string>());
                Assert.Equal("Degraded", health["checks"]!["postgres"]!["status"]!.GetValue<string>());
                Assert.Equal("PostgreSQL is not reachable", health["checks"]!["postgres"]!["description"]!.GetValue<string>());
                Assert.Equal("Healthy", health["checks"]!["cluster"]!["status"]!.GetValue<string>());
            }
            using var refused = await api.PostAsync(body, key);
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)refused.StatusCode}: {text}");
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(text)!;
            Assert.Equal(503, problem["status"]!.GetValue<int>());
            Assert.Contains("retry", problem["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
            // Nothing of the server's inside: no exception type, no stack, no connection string.
            Assert.DoesNotContain("Npgsql", text, StringComparison.Ordinal);
            Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Password", text, StringComparison.OrdinalIgnoreCase);
            // The operator's log says so in one line, not as an unhandled error with a stack trace.
            Assert.Contains(host.Logs.Records, r => r.EventId == 2201 && r.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
            Assert.DoesNotContain(host.Logs.Records, r => r.Category.StartsWith("Microsoft.AspNetCore.Diagnostics", StringComparison.Ordinal));
        }
        finally
        {
            await Infra.StartPostgresAsync(stack);
        }

        // Retried as the answer said, the same request (same key) is accepted and runs.
        HttpResponseMessage? accepted = null;
        for (var attempt = 0; attempt < 60; attempt++)
        {
            accepted?.Dispose();
            accepted = await api.PostAsync(body, key);
            if (accepted.StatusCode != HttpStatusCode.ServiceUnavailable) break;
            await Task.Delay(500);
        }
        using (accepted)
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted!.StatusCode);
            var jobId = Guid.Parse(JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!["jobId"]!.GetValue<string>());
            var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(120));
            Assert.Equal("Completed", job["status"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_job_submitted_as_postgres_comes_back_starts_within_seconds_although_its_queue_s_reads_failed_meanwhile()
    {
        using var export = new CatalogExport(products: 20);
        await using var host = new MigrationHost(stack, "back-" + export.P);
        var api = new JobsClient(host.CreateClient());
        var (first, _) = await api.WaitForFinalAsync(await api.SubmitAsync(export.Request(batchSize: 50)), TimeSpan.FromSeconds(60));
        Assert.Equal("Completed", first["status"]!.GetValue<string>());

        await Infra.StopPostgresAsync();
        try
        {
            // The job stream's pulling agents have tried their queues and told of the failure (Orleans' warning).
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!host.Logs.Entries.Any(e => e.Contains("reading from queue", StringComparison.Ordinal)))
            {
                Assert.True(DateTime.UtcNow < deadline, "no failed read of the job stream's queues was logged");
                await Task.Delay(100);
            }
        }
        finally
        {
            await Infra.StartPostgresAsync(stack);
        }

        // After a failed read the pulling agent's own backoff holds the queue's next read for seconds (about 5 s more here,
        // with Orleans' default); the job starts well before that. (A submission refused with a 503 while the server comes
        // back is sent again, as its Retry-After asks.)
        var body = JsonSerializer.Serialize(export.Request(batchSize: 50));
        HttpResponseMessage? accepted = null;
        for (var attempt = 0; attempt < 60 && accepted?.StatusCode is null or HttpStatusCode.ServiceUnavailable; attempt++)
        {
            if (accepted is not null) await Task.Delay(500);
            accepted?.Dispose();
            accepted = await api.PostAsync(body);
        }
        using var response = accepted!;
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = Guid.Parse(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["jobId"]!.GetValue<string>());
        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(60));
        Assert.Equal("Completed", job["status"]!.GetValue<string>());
        var history = job["history"]!.AsArray().Select(h => (Status: h!["status"]!.GetValue<string>(), At: h["at"]!.GetValue<DateTimeOffset>())).ToList();
        Assert.Equal("Submitted", history[0].Status);
        var start = history[1].At - history[0].At;
        Assert.True(start < TimeSpan.FromSeconds(2), $"the job started {start.TotalSeconds:0.00} s after its submission");
    }

    /// <summary>
    /// A cancel that cannot be stored (PostgreSQL down) is a 503, and so is the same cancel again: the retry had been
    /// answered 202 from the flag the failed write left in memory, then the job went back to its stored checkpoint and
    /// completed as if nothing had been asked. Once PostgreSQL is back the cancel is accepted and the job ends Cancelled.
    /// </summary>
    [Fact]
    public async Task A_cancel_refused_while_postgres_is_down_is_refused_again_until_it_can_be_stored()
    {
        using var export = new CatalogExport(products: 3000);
        await using var host = new MigrationHost(stack, "pgcancel-" + export.P, Paced());
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(export.Request(batchSize: 50));
        await WaitForBatchesAsync(api, jobId, 3);
        await Infra.StopPostgresAsync();
        try
        {
            foreach (var attempt in new[] { 1, 2 })
            {
                using var refused = await api.Http.PostAsync($"{JobsClient.Jobs}/{jobId}/cancel", null);
                Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"cancel {attempt}: {(int)refused.StatusCode}");
            }
        }
        finally
        {
            await Infra.StartPostgresAsync(stack);
        }
        await Poll.UntilAsync(async () =>
        {
            using var response = await api.Http.PostAsync($"{JobsClient.Jobs}/{jobId}/cancel", null);
            return response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict;
        }, TimeSpan.FromSeconds(60), "the cancel to be stored");
        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(120));

        Assert.Equal("Cancelled", job["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_postgres_crash_during_loading_empties_the_staging_and_the_job_reads_its_source_again_and_completes()
    {
        using var export = new CatalogExport(products: 1500);
        await using var host = new MigrationHost(stack, "crash-" + export.P, Paced());
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(export.Request(batchSize: 50));
        await WaitForBatchesAsync(api, jobId, 3);
        await Infra.CrashAndRestartPostgresAsync(stack);

        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(180));
        // The crash did empty the (unlogged) staging and the job found it so: what follows is the recovery, not a
        // staging that survived.
        Assert.Contains(host.Logs.Entries, l => l.Contains($"Job {jobId}", StringComparison.Ordinal) && l.Contains("lost the job's staging", StringComparison.Ordinal));
        Assert.Equal("Completed", job["status"]!.GetValue<string>());
        FaultAssertions.HistoryIsLegal(job);
        var report = await api.ReportAsync(jobId);
        Assert.Contains(report["warnings"]!.AsArray(), w => w!.GetValue<string>().Contains("lost this job's staging", StringComparison.Ordinal));
        Assert.True(report["validation"]!["passed"]!.GetValue<bool>());
        Assert.Equal(1500, report["entities"]!["products"]!["loaded"]!.GetValue<long>());
        Assert.Equal(1500, report["entities"]!["products"]!["verified"]!.GetValue<long>());
        await FaultAssertions.TargetsMatchReportAsync(stack, export, report, jobId);
    }

    /// <summary>
    /// A crash empties the staging while the job reads the targets back: it reads its source again and validates, and
    /// what it loaded stays counted (the re-read had forgotten it: the finished job said nothing was written, its progress
    /// 0 records and 0 batches, and both stepped back to 0 while it read).
    /// </summary>
    [Fact]
    public async Task A_postgres_crash_while_validating_keeps_what_was_loaded_counted()
    {
        using var export = new CatalogExport(products: 600);
        var reads = new HeldThenFailed();
        await using var host = new MigrationHost(stack, "crashval-" + export.P, services: services =>
            services.AddSingleton(InterceptedDynamo.Wrap(stack.Dynamo, reads, "QueryAsync", "BatchGetItemAsync")));
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(export.Request(batchSize: 50));
        await reads.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var loaded = (await api.GetAsync(jobId))["progress"]!;
        // The crash empties the staging; the read-back then fails (a dropped connection), so the job goes back to its
        // checkpoint, finds the staging gone and reads its source again.
        await Infra.CrashAndRestartPostgresAsync(stack);
        reads.Release();
        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(180));

        Assert.Contains(host.Logs.Entries, l => l.Contains($"Job {jobId}", StringComparison.Ordinal) && l.Contains("lost the job's staging", StringComparison.Ordinal));
        Assert.Equal("Completed", job["status"]!.GetValue<string>());
        var report = await api.ReportAsync(jobId);
        Assert.False(report["nothingWritten"]!.GetValue<bool>());
        Assert.Equal(loaded["batchesCompleted"]!.GetValue<int>(), job["progress"]!["batchesCompleted"]!.GetValue<int>());
        Assert.Equal(loaded["recordsLoaded"]!.GetValue<long>(), job["progress"]!["recordsLoaded"]!.GetValue<long>());
        Assert.Equal(export.Products, report["entities"]!["products"]!["verified"]!.GetValue<long>());
        await FaultAssertions.TargetsMatchReportAsync(stack, export, report, jobId);
    }

    /// <summary>
    /// A cancel that comes as a job is about to read its source again (its staging lost in a crash while it validated)
    /// ends the job as a cancel in Validating does, with the whole source counted beside what it loaded. The job's look at
    /// its staging after the crash waits behind a lock the test holds, and the cancel is accepted meanwhile. It ended with
    /// the counts of what it had read again when the cancel came: none.
    /// </summary>
    [Fact]
    public async Task A_cancel_while_the_source_is_read_again_after_a_crash_ends_the_job_with_the_whole_source_counted()
    {
        using var export = new CatalogExport(products: 600);
        var reads = new HeldThenFailed();
        await using var host = new MigrationHost(stack, "crashcancel-" + export.P, services: services =>
            services.AddSingleton(InterceptedDynamo.Wrap(stack.Dynamo, reads, "QueryAsync", "BatchGetItemAsync")));
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(export.Request(batchSize: 50));
        await reads.Reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Infra.CrashAndRestartPostgresAsync(stack);
        var staging = StagingTables.Name(EntityKind.Products, jobId);
        await using (var holder = await stack.Db.OpenConnectionAsync())
        {
            await using var hold = await holder.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {staging} IN ACCESS EXCLUSIVE MODE", holder, hold))
                await lockTable.ExecuteNonQueryAsync();
            reads.Release();
            await Poll.UntilAsync(async () =>
            {
                await using var waiting = stack.Db.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1");
                waiting.Parameters.Add(new NpgsqlParameter { Value = $"%{staging}%" });
                return (long)(await waiting.ExecuteScalarAsync())! > 0;
            }, TimeSpan.FromSeconds(60), "the job to look at its staging after the crash");
            await api.CancelAsync(jobId);
            await hold.RollbackAsync();
        }
        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(120));

        Assert.Contains(host.Logs.Entries, l => l.Contains($"Job {jobId}", StringComparison.Ordinal) && l.Contains("lost the job's staging", StringComparison.Ordinal));
        Assert.Equal("Cancelled", job["status"]!.GetValue<string>());
        FaultAssertions.HistoryIsLegal(job);
        var report = await api.ReportAsync(jobId);
        var entities = report["entities"]!;
        Assert.Equal(export.Catalogs, entities["catalogs"]!["read"]!.GetValue<long>());
        Assert.Equal(export.Products, entities["products"]!["read"]!.GetValue<long>());
        Assert.Equal(export.Products, entities["products"]!["loaded"]!.GetValue<long>());
        Assert.False(report["nothingWritten"]!.GetValue<bool>());
        Assert.Contains(report["warnings"]!.AsArray(), w => w!.GetValue<string>().StartsWith("cancelled while validating", StringComparison.Ordinal));
        await FaultAssertions.TargetsMatchReportAsync(stack, export, report, jobId);
    }

    [Fact]
    public async Task A_short_dynamodb_outage_is_retried_and_the_job_completes()
    {
        using var export = new CatalogExport(products: 1500);
        await using var host = new MigrationHost(stack, "ddb-" + export.P, Paced());
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(export.Request(batchSize: 50));
        await WaitForBatchesAsync(api, jobId, 3);
        await Infra.StopDynaliteAsync();
        try
        {
            // Keep it down long enough that loaders' own quick retries run out and the job must resume.
            await WaitForRetryAsync(host, jobId);
            // Readers see that it retries, and why (it looked like a job making no progress for no reason).
            var retrying = (await api.GetAsync(jobId))["retrying"]!;
            Assert.InRange(retrying["attempt"]!.GetValue<int>(), 1, 20);
            Assert.Equal(20, retrying["of"]!.GetValue<int>());
            Assert.Contains("DynamoDB unavailable", retrying["cause"]!.GetValue<string>());
            // And the silo's gauge of the jobs it runs counts it as retrying.
            var metrics = await api.Http.GetStringAsync("/metrics");
            Assert.Contains(metrics.Split('\n'), line => line.StartsWith("admanager_migration_jobs_active{", StringComparison.Ordinal)
                && line.Contains("state=\"retrying\"", StringComparison.Ordinal) && !line.EndsWith(" 0", StringComparison.Ordinal));
        }
        finally
        {
            await Infra.StartDynaliteAsync();
        }

        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(180));
        Assert.Equal("Completed", job["status"]!.GetValue<string>());
        Assert.Null(job["retrying"]);
        await FaultAssertions.TargetsMatchReportAsync(stack, export, await api.ReportAsync(jobId), jobId);
    }

    /// <summary>
    /// A cancel that reaches a job retrying a DynamoDB outage in Loading ends it Cancelled at once, with a warning that the
    /// failed calls may have stored part of their batches; it had been ignored until the retries ran out (about two and a
    /// half minutes by default) and the job ended Failed.
    /// </summary>
    [Fact]
    public async Task A_cancel_during_a_store_outage_ends_the_job_cancelled_without_waiting_out_the_retries()
    {
        // 80 batches at 10 a second: the outage comes well before Loading could end (stopping dynalite takes a moment).
        using var export = new CatalogExport(products: 4000);
        await using var host = new MigrationHost(stack, "outcancel-" + export.P, Paced());
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(export.Request(batchSize: 50));
        await WaitForBatchesAsync(api, jobId, 3);
        JsonNode job;
        await Infra.StopDynaliteAsync();
        try
        {
            await WaitForRetryAsync(host, jobId);
            await api.CancelAsync(jobId);
            (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(30));
        }
        finally
        {
            await Infra.StartDynaliteAsync();
        }

        Assert.Equal("Cancelled", job["status"]!.GetValue<string>());
        FaultAssertions.HistoryIsLegal(job);
        var report = await api.ReportAsync(jobId);
        Assert.Contains(report["warnings"]!.AsArray(), w => w!.GetValue<string>().StartsWith("cancelled while a store was failing (", StringComparison.Ordinal)
            && w.GetValue<string>().Contains("DynamoDB unavailable", StringComparison.Ordinal));
        var loaded = report["entities"]!["products"]!["loaded"]!.GetValue<long>();
        Assert.InRange(loaded, 1, export.Products - 1);
        // What the report counts is stored; the failed calls may have stored more of theirs, never less.
        Assert.InRange((await Targets.ProductItemsAsync(stack, export.P)).Count, loaded, export.Products);
    }

    [Fact]
    public async Task An_outage_longer_than_the_retry_budget_fails_the_job_clearly_and_a_rerun_completes()
    {
        using var export = new CatalogExport(products: 2000);
        var settings = Paced(("Jobs:RetryBudget", "2"), ("Jobs:RetryMaxDelay", "00:00:01"), ("Stores:RetryAttempts", "1"), ("DynamoDb:MaxAttempts", "2"));
        await using var host = new MigrationHost(stack, "budget-" + export.P, settings);
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(export.Request(batchSize: 50));
        await WaitForBatchesAsync(api, jobId, 2);
        JsonNode failed;
        await Infra.StopDynaliteAsync();
        try
        {
            (failed, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(120));
        }
        finally
        {
            await Infra.StartDynaliteAsync();
        }

        Assert.Equal("Failed", failed["status"]!.GetValue<string>());
        var error = failed["error"]!.GetValue<string>();
        Assert.Contains("gave up after 2 retries", error);
        Assert.Contains("DynamoDB unavailable", error);
        // The store's address is no business of the job's viewers (it was: "Connection refused (127.0.0.1:port)").
        Assert.DoesNotContain("127.0.0.1", error);

        var rerun = await api.SubmitAsync(export.Request(batchSize: 50));
        var (job, _) = await api.WaitForFinalAsync(rerun, TimeSpan.FromSeconds(120));
        Assert.Equal("Completed", job["status"]!.GetValue<string>());
        await FaultAssertions.TargetsMatchReportAsync(stack, export, await api.ReportAsync(rerun), rerun);
    }

    /// <summary>
    /// The retry budget counts faults in a row, not over the job's life: a job whose store fails once, then again after
    /// the job moved forward, completes with a budget of one retry (it failed at the second fault before).
    /// </summary>
    [Fact]
    public async Task Faults_with_progress_between_them_do_not_add_up_against_the_retry_budget()
    {
        using var export = new CatalogExport(products: 2000);
        var faults = new FailingCalls(10, 50);
        var settings = Paced(("Jobs:RetryBudget", "1"), ("Jobs:RetryMaxDelay", "00:00:01"), ("Stores:RetryAttempts", "0"));
        settings["Jobs:MaxBatchesPerSecond"] = "0";
        await using var host = new MigrationHost(stack, "apart-" + export.P, settings, services =>
            services.AddSingleton(InterceptedDynamo.Wrap(stack.Dynamo, faults, "BatchWriteItemAsync")));
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(export.Request(batchSize: 50));
        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(120));

        Assert.True(job["status"]!.GetValue<string>() == "Completed", job.ToJsonString());
        Assert.Equal(2, faults.Failed);
        Assert.Equal(2, host.Logs.Entries.Count(l => l.Contains($"Job {jobId}", StringComparison.Ordinal) && l.Contains("transient fault, retry 1/1", StringComparison.Ordinal)));
        await FaultAssertions.TargetsMatchReportAsync(stack, export, await api.ReportAsync(jobId), jobId);
    }

    /// <summary>
    /// The job list's row refuses a job's final status (a store fault between the job's two writes): the job still ends
    /// up listed under it, and a later job with overlapping data does not wait for it for ever (it did: the row kept
    /// saying the job ran, and the later job waits for every earlier overlapping job the list says is running).
    /// </summary>
    [Fact]
    public async Task A_final_status_the_job_list_missed_is_written_again_and_later_overlapping_jobs_do_not_wait_for_ever()
    {
        var prefix = "x" + Guid.NewGuid().ToString("N")[..10] + "-";
        using var earlier = new CatalogExport(products: 100, prefix: prefix, nameTag: "old");
        using var later = new CatalogExport(products: 100, prefix: prefix, nameTag: "new");
        var serviceId = "index-" + prefix;
        await stack.Db.ExecAsync($"""
            CREATE OR REPLACE FUNCTION admanager_test_refuse_final() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.service_id = '{serviceId}' AND NEW.status = 'Completed' THEN
                    RAISE EXCEPTION 'refused by the test' USING ERRCODE = '57P03';
                END IF;
                RETURN NEW;
            END $$;
            DROP TRIGGER IF EXISTS admanager_test_refuse_final ON migration_jobs;
            CREATE TRIGGER admanager_test_refuse_final BEFORE INSERT OR UPDATE ON migration_jobs FOR EACH ROW EXECUTE FUNCTION admanager_test_refuse_final();
            """);
        try
        {
            await using var host = new MigrationHost(stack, serviceId);
            var api = new JobsClient(host.CreateClient());
            var first = await api.SubmitAsync(earlier.Request());
            await Poll.UntilAsync(() => Task.FromResult(host.Logs.Entries.Any(l => l.Contains($"Job {first} in Completed: transient fault", StringComparison.Ordinal))),
                TimeSpan.FromSeconds(60), "the job's final status to be refused by its list row");
            Assert.Equal("InProgress:Validating", await IndexStatusAsync(first));
            await stack.Db.ExecAsync("DROP TRIGGER IF EXISTS admanager_test_refuse_final ON migration_jobs");

            var second = await api.SubmitAsync(later.Request());
            var (job, _) = await api.WaitForFinalAsync(second, TimeSpan.FromSeconds(60));

            Assert.Equal("Completed", job["status"]!.GetValue<string>());
            Assert.Equal("Completed", await IndexStatusAsync(first));
            var listed = JsonNode.Parse(await api.Http.GetStringAsync($"{JobsClient.Jobs}?status=Completed"))!["items"]!.AsArray();
            Assert.Contains(listed, j => j!["jobId"]!.GetValue<string>() == first.ToString());
            Assert.All(await Targets.ProductItemsAsync(stack, prefix), p => Assert.Equal(second.ToString(), p["MigrationJobId"].S));
        }
        finally
        {
            await stack.Db.ExecAsync("DROP TRIGGER IF EXISTS admanager_test_refuse_final ON migration_jobs; DROP FUNCTION IF EXISTS admanager_test_refuse_final()");
        }
    }

    private async Task<string> IndexStatusAsync(Guid jobId)
    {
        await using var command = stack.Db.CreateCommand("SELECT status FROM migration_jobs WHERE job_id = $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = jobId });
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Holds the reads until <see cref="Release"/>, then fails those it held as a dropped connection would; later reads pass.</summary>
    private sealed class HeldThenFailed : IDynamoInterceptor
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _released;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release()
        {
            Volatile.Write(ref _released, 1);
            _release.TrySetResult();
        }

        public async Task<T> InvokeAsync<T>(Func<Task<T>> call, CancellationToken ct)
        {
            if (Volatile.Read(ref _released) == 1) return await call();
            Reached.TrySetResult();
            await _release.Task.WaitAsync(ct);
            throw new HttpRequestException("connection reset (injected)");
        }
    }

    /// <summary>Fails the BatchWriteItem requests of the given numbers (counted from 1) as a dropped connection would.</summary>
    private sealed class FailingCalls(params int[] failing) : IDynamoInterceptor
    {
        private int _calls;
        private int _failed;

        public int Failed => _failed;

        public Task<T> InvokeAsync<T>(Func<Task<T>> call, CancellationToken ct)
        {
            if (!failing.Contains(Interlocked.Increment(ref _calls))) return call();
            Interlocked.Increment(ref _failed);
            throw new HttpRequestException("connection reset (injected)");
        }
    }

    internal static async Task WaitForBatchesAsync(JobsClient api, Guid jobId, int batches)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var job = await api.GetAsync(jobId);
            var status = job["status"]!.GetValue<string>();
            Assert.True(status.StartsWith("InProgress", StringComparison.Ordinal) || status == "Submitted", $"job ended early: {status} {job["error"]}");
            if (status == "InProgress:Loading" && job["progress"]!["batchesCompleted"]!.GetValue<int>() >= batches) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"job {jobId} did not get {batches} batches into Loading");
    }

    /// <summary>Waits until the job logged that it is resuming from its checkpoint after a transient fault.</summary>
    private static async Task WaitForRetryAsync(MigrationHost host, Guid jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (host.Logs.Entries.Any(l => l.Contains($"Job {jobId}", StringComparison.Ordinal) && l.Contains("transient fault, retry", StringComparison.Ordinal))) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the job never retried");
    }
}
