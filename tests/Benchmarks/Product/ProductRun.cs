using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AdManager.Grains.Stores.Dynamo;
using Amazon.DynamoDBv2.Model;
using Npgsql;

namespace AdManager.Benchmarks.Product;

/// <summary>One phase of a job as the report gives it, with its rate (records the phase handled per second).</summary>
public sealed record PhaseResult(string Phase, double Seconds, double PerSecond);

/// <summary>
/// One export migrated end to end through the HTTP API. Of repeated runs: the median run, with every run's time
/// (<see cref="RunSeconds"/>, in run order) and the highest peak RSS of them all.
/// </summary>
public sealed record ProductResult(
    string Name, string Status, long Records, long Loaded, double Seconds, double PeakRssMiB, bool ValidationPassed, IReadOnlyList<PhaseResult> Phases,
    IReadOnlyList<double>? RunSeconds = null)
{
    public double PerSecond => Seconds > 0 ? Records / Seconds : 0;
}

/// <summary>
/// Submits a job for an export directory and polls it to its final status, like an administrator's tooling:
/// the time is from the POST to the job's own <c>completedAt</c> (its final status, stamped by the silo on the same
/// machine's clock), so it does not carry up to a poll interval of the bench's own waiting; records are all records read.
/// The bench's own stack is emptied of earlier target rows first, so every run loads into empty tables.
/// </summary>
public sealed class ProductRun(StackEnv stack, int batchSize)
{
    // The end is the job's own completedAt, so polls need not be frequent to time it: every 250 ms, so the bench's own
    // requests (each one a bearer check, a grain call and JSON) do not take the silo's CPU from the job it measures (at
    // 20 ms they cost the silo 12-20% of a core). The peak memory is the kernel's high-water mark, not a polled sample.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public async Task<ProductResult> RunAsync(string name, string exportDir, string[] dataTypes)
    {
        await EmptyTargetsAsync();
        // Emptying the DynamoDB targets sets dynalite deleting the items of the run before, in the background.
        await new StackQuiet(stack).WaitAsync(name);
        var memory = new SiloMemory(stack.SiloPids());
        memory.ResetPeak();
        using var http = new HttpClient { BaseAddress = new Uri(stack.ApiUrl), Timeout = TimeSpan.FromMinutes(5) };
        // The API needs a platform-admin bearer token; ./run.sh bench passes one made with the stack's own key.
        if (Environment.GetEnvironmentVariable("BENCH_TOKEN") is { Length: > 0 } token)
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var body = new
        {
            source = new { kind = "file", location = exportDir },
            scope = new { merchantIds = Array.Empty<string>(), dataTypes },
            options = new { batchSize, dryRun = false, maxRejectedRatio = 0.05 },
        };
        var clock = Stopwatch.StartNew();
        var postedAt = DateTimeOffset.UtcNow;
        using var submitted = await http.PostAsJsonAsync("/admin/data-migration/jobs", body);
        var submitText = await submitted.Content.ReadAsStringAsync();
        if ((int)submitted.StatusCode != 202) throw new InvalidOperationException($"POST answered {(int)submitted.StatusCode}: {submitText}");
        var jobId = JsonNode.Parse(submitText)!["jobId"]!.GetValue<string>();
        string status;
        JsonNode? job;
        while (true)
        {
            memory.Sample();
            job = await GetJsonAsync(http, $"/admin/data-migration/jobs/{jobId}");
            status = job?["status"]?.GetValue<string>() ?? "";
            if (status is not ("" or "Submitted") && !status.StartsWith("InProgress", StringComparison.Ordinal)) break;
            await Task.Delay(Poll);
        }
        var seen = clock.Elapsed.TotalSeconds;
        var seconds = job?["completedAt"]?.GetValue<DateTimeOffset>() is { } completedAt
            ? Math.Min(seen, (completedAt - postedAt).TotalSeconds)
            : seen;
        var peak = memory.PeakMiB();
        var report = (await GetJsonAsync(http, $"/admin/data-migration/jobs/{jobId}/report"))!;
        var entities = report["entities"]!.AsObject().Select(e => e.Value!).ToList();
        var read = entities.Sum(e => e["read"]!.GetValue<long>());
        var loaded = entities.Sum(e => e["loaded"]!.GetValue<long>());
        var phases = report["phases"]!.AsArray().Select(p =>
        {
            var phase = p!["phase"]!.GetValue<string>();
            var s = p["seconds"]!.GetValue<double>();
            var handled = phase is "Extracting" or "Transforming" ? read : loaded;
            return new PhaseResult(phase, s, s > 0 ? handled / s : 0);
        }).ToList();
        var passed = report["validation"]?["passed"]?.GetValue<bool>() ?? false;
        if (report["error"]?.GetValue<string>() is { } error) Console.Error.WriteLine($"[bench] {name}: job {jobId} error: {error}");
        return new ProductResult(name, status, read, loaded, seconds, peak, passed, phases);
    }

    private static async Task<JsonNode?> GetJsonAsync(HttpClient http, string url)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await http.GetAsync(url);
            if ((int)response.StatusCode == 503 && attempt < 50)
            {
                await Task.Delay(Poll);
                continue;
            }
            response.EnsureSuccessStatusCode();
            return JsonNode.Parse(await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>
    /// Empties the four targets: the PostgreSQL tables truncated, the DynamoDB tables dropped and created again (dynalite
    /// writes more slowly into a table that already holds many items: 5,400 items/s into one holding a million against
    /// 8,000 into an empty one, so a run after a large one measured the earlier run's leftovers as much as the product).
    /// </summary>
    private async Task EmptyTargetsAsync()
    {
        await using (var dataSource = NpgsqlDataSource.Create(stack.PgNpgsql))
        await using (var command = dataSource.CreateCommand("TRUNCATE campaign_metadata, catalog_metadata"))
        {
            await command.ExecuteNonQueryAsync();
        }
        using var dynamo = Raw.RawDynamoWrite.Client(stack.DynamoEndpoint);
        foreach (var table in new[] { DynamoItems.PerformanceTable, DynamoItems.ProductTable })
        {
            try
            {
                await dynamo.DeleteTableAsync(table);
                // Deleting takes a moment (the table is DELETING, and creating it again fails until it is gone).
                for (var i = 0; i < 600; i++)
                {
                    await dynamo.DescribeTableAsync(table);
                    await Task.Delay(50);
                }
                throw new TimeoutException($"DynamoDB table {table} was not deleted");
            }
            catch (ResourceNotFoundException)
            {
            }
        }
        await DynamoTables.EnsureAsync(dynamo, CancellationToken.None);
    }
}
