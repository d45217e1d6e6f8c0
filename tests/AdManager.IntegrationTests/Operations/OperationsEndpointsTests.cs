using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AdManager.IntegrationTests.Infrastructure;
using AdManager.IntegrationTests.Jobs;

namespace AdManager.IntegrationTests.Operations;

/// <summary>What operators look at: the Prometheus scrape endpoint and the Orleans Dashboard.</summary>
[Collection(StackCollection.Name)]
public sealed partial class OperationsEndpointsTests(TestStack stack) : IDisposable
{
    private readonly EndToEndExport _export = new();

    public void Dispose() => _export.Dispose();

    [Fact]
    public async Task Metrics_endpoint_counts_the_pipeline_per_entity_and_exposes_http_database_and_orleans_metrics()
    {
        // One batch per loader call, so the latency histogram has one observation per batch.
        await using var host = new MigrationHost(stack, "metrics-" + _export.P, new Dictionary<string, string?> { ["Jobs:StagedRowsPerCall"] = "1" });
        var client = host.CreateClient();
        var api = new JobsClient(client);
        var jobId = await api.SubmitAsync(_export.Request(batchSize: 1));
        await api.WaitForFinalAsync(jobId);

        var metrics = await Poll.UntilAsync(async () =>
        {
            var text = await client.GetStringAsync("/metrics");
            return text.Contains("admanager_migration_job_duration_seconds_count", StringComparison.Ordinal) ? text : null;
        }, TimeSpan.FromSeconds(30), "the job's metrics on /metrics");

        // The counters agree with the job's own report, entity by entity.
        var report = await api.ReportAsync(jobId);
        long Count(string entity, string field) => report["entities"]![entity]![field]!.GetValue<long>();
        long Reason(string entity, string reason) => report["entities"]![entity]!["rejectedByReason"]![reason]!.GetValue<long>();
        Assert.Equal(Count("campaigns", "read"), Value(metrics, "admanager_migration_records_read_total", ("entity", "campaigns")));
        Assert.Equal(Count("products", "read"), Value(metrics, "admanager_migration_records_read_total", ("entity", "products")));
        Assert.Equal(Reason("products", "invalid_value:gtin"), Value(metrics, "admanager_migration_records_rejected_total", ("entity", "products"), ("reason", "invalid_value:gtin")));
        Assert.Equal(Reason("campaign_performance", "orphan:campaign_id"), Value(metrics, "admanager_migration_records_rejected_total", ("entity", "campaign_performance"), ("reason", "orphan:campaign_id")));
        Assert.Equal(Count("campaigns", "loaded"), Value(metrics, "admanager_migration_records_loaded_total", ("entity", "campaigns")));
        Assert.Equal(Count("products", "loaded"), Value(metrics, "admanager_migration_records_loaded_total", ("entity", "products")));
        // batchSize 1: one campaign batch (and call) per loaded campaign, each one observation of the latency histogram.
        Assert.Equal(Count("campaigns", "loaded"), Value(metrics, "admanager_migration_batch_duration_seconds_count", ("entity", "campaigns"), ("outcome", "succeeded")));
        Assert.Equal(1, Value(metrics, "admanager_migration_job_duration_seconds_count", ("status", "CompletedWithErrors")));

        Assert.Contains(Names(metrics), n => n.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal));
        Assert.Contains(Names(metrics), n => n.StartsWith("db_client_", StringComparison.Ordinal));
        Assert.Contains(Names(metrics), n => n.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains(Names(metrics), n => n.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dashboard_is_served_to_platform_admins_only()
    {
        await using var host = new MigrationHost(stack, "dash-" + _export.P,
            new Dictionary<string, string?> { ["Dashboard:Enabled"] = "true" }, TestAuthentication.Add);
        var client = host.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "/dashboard", role: null));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, "/dashboard", role: "platform-viewer"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/dashboard", role: "platform-admin"));
    }

    /// <summary>With real bearer tokens, a viewer's 403 on the dashboard says it needs an admin (it said reading needs a viewer).</summary>
    [Fact]
    public async Task A_viewer_refused_the_dashboard_is_told_it_needs_an_admin()
    {
        await using var host = new MigrationHost(stack, "dashjwt-" + _export.P, new Dictionary<string, string?> { ["Dashboard:Enabled"] = "true" });
        using var refused = await host.CreateClientWithToken(TestTokens.Viewer()).GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var problem = System.Text.Json.Nodes.JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal("This page needs the platform-admin role.", problem["detail"]!.GetValue<string>());
        // "/dashboard/" itself: HttpClient drops the Authorization header when it follows /dashboard's redirect there.
        using var allowed = await host.CreateClientWithToken(TestTokens.Admin()).GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path, string? role)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (role is not null) request.Headers.Add(TestAuthentication.RoleHeader, role);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The value of the one sample of <paramref name="name"/> with these labels (others may be present).</summary>
    private static double Value(string metrics, string name, params (string Label, string Value)[] labels)
    {
        var samples = metrics.Split('\n')
            .Select(line => Sample().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value == name)
            .Where(m => labels.All(l => m.Groups["labels"].Value.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            .ToList();
        Assert.True(samples.Count == 1, $"expected one sample of {name} {string.Join(",", labels)}, found {samples.Count}:\n{metrics}");
        return double.Parse(samples[0].Groups["value"].Value, CultureInfo.InvariantCulture);
    }

    private static IEnumerable<string> Names(string metrics) =>
        metrics.Split('\n').Select(line => Sample().Match(line)).Where(m => m.Success).Select(m => m.Groups["name"].Value).Distinct();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[^ ]+)")]
    private static partial Regex Sample();
}
