using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Security;

/// <summary>Who submitted and who cancelled a job (the token's subject), and per-caller submission limits.</summary>
[Collection(StackCollection.Name)]
public sealed class AuditAndRateLimitTests(TestStack stack) : IDisposable
{
    private readonly ExportDirectory _empty = new ExportDirectory()
        .Write("catalogs.csv", "catalog_id,merchant_id,catalog_name,country,default_currency,last_modified\n");

    public void Dispose() => _empty.Dispose();

    [Fact]
    public async Task Submitter_and_canceller_come_from_the_token_subject_and_are_shown_with_the_job_and_in_the_report()
    {
        using var export = new SlowExport();
        await using var host = new MigrationHost(stack, "audit-" + export.P);
        var alice = new JobsClient(host.CreateClientWithToken(TestTokens.Admin("alice@example.com")));
        var bob = new JobsClient(host.CreateClientWithToken(TestTokens.Admin("bob@example.com")));

        var jobId = await alice.SubmitAsync(export.Request());
        await alice.WaitForStatusAsync(jobId, "InProgress:Loading", TimeSpan.FromSeconds(120));
        await bob.CancelAsync(jobId);
        var (job, _) = await bob.WaitForFinalAsync(jobId);

        Assert.Equal("Cancelled", job["status"]!.GetValue<string>());
        Assert.Equal("alice@example.com", job["submittedBy"]!.GetValue<string>());
        var report = await alice.ReportAsync(jobId);
        Assert.Equal("alice@example.com", report["submittedBy"]!.GetValue<string>());
        Assert.Equal("bob@example.com", report["cancelledBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Submissions_past_the_limit_get_429_with_Retry_After_per_caller()
    {
        await using var host = new MigrationHost(stack, "limit-" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string?>
        {
            ["RateLimiting:Submissions:PermitLimit"] = "2",
            ["RateLimiting:Submissions:Window"] = "00:10:00",
        });
        var carol = host.CreateClientWithToken(TestTokens.Admin("carol"));
        var job = JobsClient.FileJob(_empty.Path, dataTypes: ["ProductCatalogData"]);

        // Requests that create nothing (400s) spend no permit: correcting a request is never throttled.
        for (var i = 0; i < 5; i++)
        {
            using var invalid = await carol.PostAsJsonAsync(JobsClient.Jobs, JobsClient.FileJob(_empty.Path, batchSize: 0));
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            // A valid body under an Idempotency-Key too long to store creates nothing either.
            using var longKey = new HttpRequestMessage(HttpMethod.Post, JobsClient.Jobs) { Content = JsonContent.Create(job) };
            longKey.Headers.Add("Idempotency-Key", new string('k', 201));
            using var refusedKey = await carol.SendAsync(longKey);
            Assert.Equal(HttpStatusCode.BadRequest, refusedKey.StatusCode);
        }
        for (var i = 0; i < 2; i++)
        {
            using var accepted = await carol.PostAsJsonAsync(JobsClient.Jobs, job);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        using var refused = await carol.PostAsJsonAsync(JobsClient.Jobs, job);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Contains("retry in", problem["detail"]!.GetValue<string>());
        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-4", problem["type"]!.GetValue<string>());

        // Reads are not limited, and another caller has a budget of its own.
        using (var list = await carol.GetAsync(JobsClient.Jobs)) Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var dave = await host.CreateClientWithToken(TestTokens.Admin("dave")).PostAsJsonAsync(JobsClient.Jobs, job);
        Assert.Equal(HttpStatusCode.Accepted, dave.StatusCode);
    }
}
