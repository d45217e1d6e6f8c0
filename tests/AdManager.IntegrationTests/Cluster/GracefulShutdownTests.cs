using System.Text;
using System.Text.Json.Nodes;
using System.Diagnostics;
using AdManager.IntegrationTests.Infrastructure;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Xunit.Abstractions;

namespace AdManager.IntegrationTests.Cluster;

/// <summary>
/// Two real silo processes in one cluster. The silo running a job gets SIGTERM mid-load, as a pod does on
/// a rolling update or a node drain: it stops sending batches, checkpoints those in flight, leaves the
/// cluster and exits 0; the job resumes from its checkpoint on the other silo and ends with exact counts.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class GracefulShutdownTests(TestStack stack, ITestOutputHelper output)
{
    private const int Products = 10_000;
    // Generous: on a loaded 2-core machine two cold silo processes have taken 90 s to become ready.
    private static readonly TimeSpan Startup = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_silo_sent_SIGTERM_mid_load_leaves_the_cluster_and_the_job_completes_on_the_other_with_exact_counts()
    {
        var p = "g" + Guid.NewGuid().ToString("N")[..10] + "-";
        using var export = WriteExport(p);
        try
        {
            await RunAsync(p, export);
        }
        finally
        {
            // dynalite's data outlives the run: leave no ten thousand items behind for other tests to scan.
            await stack.Dynamo.DeletePartitionAsync("ProductFeeds", "CatalogId", "ProductId", $"{p}k1");
        }
    }

    private async Task RunAsync(string p, ExportDirectory export)
    {
        var clusterId = "sigterm-" + p.TrimEnd('-');
        // One batch in flight at a time keeps loading long enough to stop a silo in the middle of it.
        var settings = new Dictionary<string, string?> { ["Jobs:LoadConcurrency"] = "1", ["Jobs:MergeConcurrency"] = "1", ["Orleans:ShutdownTimeout"] = "00:00:45" };
        await using var a = SiloPod.Start(stack, clusterId, "silo-a-" + p.TrimEnd('-'), settings);
        await using var b = SiloPod.Start(stack, clusterId, "silo-b-" + p.TrimEnd('-'), settings);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(a.WaitReadyAsync(Startup), b.WaitReadyAsync(Startup));
        output.WriteLine($"{clock.Elapsed}: both silos ready");
        await Poll.UntilAsync(async () => await MembershipAsync(clusterId, a.Name) == Active && await MembershipAsync(clusterId, b.Name) == Active,
            TimeSpan.FromSeconds(60), "both silos active in the membership table");

        var jobId = await new JobsClient(a.Http).SubmitAsync(
            JobsClient.FileJob(export.Path, [$"{p}m1"], ["ProductCatalogData"], batchSize: 50, maxRejectedRatio: 0));

        var atSignal = await Poll.UntilAsync(async () =>
        {
            var job = await new JobsClient(a.Http).GetAsync(jobId);
            var status = job["status"]!.GetValue<string>();
            Assert.False(status is "Completed" or "CompletedWithErrors" or "Failed", $"the job ended ({status}) before the silo could be stopped mid-load");
            return status == "InProgress:Loading" && job["progress"]!["batchesCompleted"]!.GetValue<int>() >= 10 ? job : null;
        }, TimeSpan.FromMinutes(4), "the job loading its 10th batch");
        var host = HostOf(jobId, a, b);
        var survivor = host == a ? b : a;

        output.WriteLine($"{clock.Elapsed}: SIGTERM to {host.Name} (PID {host.Pid}) at {atSignal["progress"]!["batchesCompleted"]} batches");
        host.Terminate();
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        output.WriteLine($"{clock.Elapsed}: {host.Name} exited 0");

        // It paused the job at a checkpoint and left the cluster (Dead, not just missing).
        var hostLog = host.LogEntries();
        Assert.Contains(hostLog, e => EventId(e) == 1009 && JobIdOf(e) == jobId);
        Assert.Contains(hostLog, e => EventId(e) == 1010 && JobIdOf(e) == jobId);
        Assert.DoesNotContain(hostLog, e => JobIdOf(e) == jobId && e["LogLevel"]?.GetValue<string>() is "Error" or "Critical");
        Assert.Equal(Dead, await MembershipAsync(clusterId, host.Name));

        var (final, _) = await new JobsClient(survivor.Http).WaitForFinalAsync(jobId, TimeSpan.FromMinutes(4));
        Assert.True(final["status"]!.GetValue<string>() == "Completed", $"final job: {final.ToJsonString()}\n{survivor.Tail()}");
        output.WriteLine($"{clock.Elapsed}: job completed on {survivor.Name}");

        // Resumed on the survivor from the load checkpoint: extraction and transformation were not redone.
        Assert.Contains(survivor.LogEntries(), e => EventId(e) == 1003 && JobIdOf(e) == jobId
            && e["State"]?["Status"]?.GetValue<string>() == "InProgress:Loading");
        Assert.True(atSignal["progress"]!["batchesCompleted"]!.GetValue<int>() < Products / 50);

        var report = await new JobsClient(survivor.Http).ReportAsync(jobId);
        output.WriteLine($"phases: {report["phases"]?.ToJsonString()}");
        AssertEntity(report, "catalogs", read: 1, loaded: 1);
        AssertEntity(report, "products", read: Products, loaded: Products);
        Assert.True(report["validation"]!["passed"]!.GetValue<bool>());
        var (stored, ofThisJob) = await ProductItemsAsync($"{p}k1", jobId);
        Assert.Equal((Products, Products), (stored, ofThisJob));
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM catalog_metadata WHERE catalog_id = $1 AND migration_job_id = $2", $"{p}k1", jobId));

        // Structured logs: every pipeline line of the job carries its id and phase; batch lines their batch number.
        var jobLines = a.LogEntries().Concat(b.LogEntries()).Where(e => JobIdOf(e) == jobId).ToList();
        Assert.NotEmpty(jobLines);
        Assert.All(jobLines, e =>
        {
            Assert.Equal(jobId.ToString(), Scope(e, "JobId"));
            Assert.False(string.IsNullOrEmpty(Scope(e, "Phase")), $"no Phase scope: {e.ToJsonString()}");
        });
        var batchLines = jobLines.Where(e => EventId(e) == 1005).ToList();
        Assert.NotEmpty(batchLines);
        Assert.All(batchLines, e =>
        {
            Assert.Equal(e["State"]!["BatchNo"]!.ToString(), Scope(e, "BatchNo"));
            Assert.Equal("Loading", Scope(e, "Phase"));
        });
    }

    private const int Active = 3;
    private const int Dead = 6;

    private static ExportDirectory WriteExport(string p)
    {
        var products = new StringBuilder();
        for (var i = 0; i < Products; i++)
        {
            products.Append($$"""{"product_id":"p{{i:D6}}","catalog_id":"{{p}}k1","merchant_id":"{{p}}m1","title":"Item {{i}}","price":"{{1 + i % 50}}.5","currency":"EUR","availability":"in_stock","link":"https://shop.example/p{{i}}","last_modified":"2024-03-01T00:00:00Z"}""");
            products.Append('\n');
        }
        return new ExportDirectory()
            .Write("catalogs.ndjson", $$"""{"catalog_id":"{{p}}k1","merchant_id":"{{p}}m1","catalog_name":"Big","country":"DE","default_currency":"EUR","last_modified":"2024-03-01T00:00:00Z"}""" + "\n")
            .Write("products.ndjson", products.ToString());
    }

    /// <summary>The silo whose log shows the job's pipeline starting: the one its grain is activated on.</summary>
    private static SiloPod HostOf(Guid jobId, params SiloPod[] silos)
    {
        var hosts = silos.Where(s => s.LogEntries().Any(e => EventId(e) == 1003 && JobIdOf(e) == jobId)).ToList();
        Assert.True(hosts.Count == 1, $"expected one silo running job {jobId}, found {hosts.Count}");
        return hosts[0];
    }

    private static int? EventId(JsonObject e) => e["EventId"]?.GetValue<int>();

    /// <summary>The job a log entry is about: from its message arguments or its scopes.</summary>
    private static Guid? JobIdOf(JsonObject e)
    {
        var text = e["State"]?["JobId"]?.ToString() ?? Scope(e, "JobId");
        return Guid.TryParse(text, out var id) ? id : null;
    }

    private static string? Scope(JsonObject e, string key) =>
        e["Scopes"]?.AsArray().Select(s => s?[key]?.ToString()).LastOrDefault(v => v is not null);

    private static void AssertEntity(JsonNode report, string entity, long read, long loaded)
    {
        var e = report["entities"]![entity]!;
        Assert.Equal(
            new { read, rejected = 0L, superseded = 0L, loaded, verified = loaded },
            new
            {
                read = e["read"]!.GetValue<long>(),
                rejected = e["rejected"]!.GetValue<long>(),
                superseded = e["superseded"]!.GetValue<long>(),
                loaded = e["loaded"]!.GetValue<long>(),
                verified = e["verified"]!.GetValue<long>(),
            });
    }

    private async Task<int> MembershipAsync(string clusterId, string siloName)
    {
        await using var command = stack.Db.CreateCommand(
            "SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = $1 AND SiloName = $2 ORDER BY Generation DESC LIMIT 1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = clusterId });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = siloName });
        return await command.ExecuteScalarAsync() is int status ? status : -1;
    }

    private async Task<long> CountAsync(string sql, string key, Guid jobId)
    {
        await using var command = stack.Db.CreateCommand(sql);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = key });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = jobId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Items stored under the catalog, and how many of them this job wrote.</summary>
    private async Task<(long Stored, long OfThisJob)> ProductItemsAsync(string catalogId, Guid jobId)
    {
        long stored = 0, ofThisJob = 0;
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await stack.Dynamo.QueryAsync(new QueryRequest
            {
                TableName = "ProductFeeds",
                KeyConditionExpression = "CatalogId = :c",
                FilterExpression = "MigrationJobId = :j",
                ExpressionAttributeValues = new()
                {
                    [":c"] = new AttributeValue { S = catalogId },
                    [":j"] = new AttributeValue { S = jobId.ToString() },
                },
                Select = Select.COUNT,
                ExclusiveStartKey = start,
            });
            stored += page.ScannedCount ?? 0;
            ofThisJob += page.Count ?? 0;
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return (stored, ofThisJob);
    }
}
