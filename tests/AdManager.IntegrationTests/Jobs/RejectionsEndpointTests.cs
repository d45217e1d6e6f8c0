using System.Net;
using System.Text.Json.Nodes;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Jobs;

/// <summary>One finished job with rejections in every entity, shared by the tests of its endpoint.</summary>
public sealed class RejectedJobFixture(TestStack stack) : IAsyncLifetime
{
    private readonly EndToEndExport _export = new();
    private MigrationHost _host = null!;

    public JobsClient Api { get; private set; } = null!;

    public Guid JobId { get; private set; }

    public JsonNode Report { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = new MigrationHost(stack, "rejections-" + _export.P);
        Api = new JobsClient(_host.CreateClient());
        JobId = await Api.SubmitAsync(_export.Request());
        await Api.WaitForFinalAsync(JobId);
        Report = await Api.ReportAsync(JobId);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _export.Dispose();
    }
}

/// <summary><c>GET .../rejections</c>: every rejected record, page by page, filterable by entity and reason.</summary>
[Collection(StackCollection.Name)]
public sealed class RejectionsEndpointTests(RejectedJobFixture job) : IClassFixture<RejectedJobFixture>
{
    private static readonly string[] Entities = ["campaigns", "campaign_performance", "catalogs", "products"];

    [Fact]
    public async Task Pages_of_any_size_list_every_rejection_once_in_entity_and_line_order()
    {
        var all = Describe(await job.Api.AllRejectionsAsync(job.JobId, pageSize: 1000));

        Assert.Equal(job.Report["entities"]!.AsObject().Sum(e => e.Value!["rejected"]!.GetValue<long>()), all.Count);
        Assert.Equal(all.OrderBy(r => Array.IndexOf(Entities, r.Entity)).ThenBy(r => r.Line), all);
        Assert.Equal(all.Count, all.Select(r => (r.Entity, r.Line)).Distinct().Count());
        foreach (var size in new[] { 1, 5, all.Count })
        {
            Assert.Equal(all, Describe(await job.Api.AllRejectionsAsync(job.JobId, pageSize: size)));
        }

        var onePage = await GetAsync($"?limit={all.Count}");
        Assert.Equal(all.Count, onePage["items"]!.AsArray().Count);
        Assert.Null(onePage["nextCursor"]);
    }

    [Fact]
    public async Task Filters_by_entity_and_reason_give_exactly_the_rejections_the_report_counts()
    {
        var all = Describe(await job.Api.AllRejectionsAsync(job.JobId, pageSize: 1000));

        foreach (var (entity, counts) in job.Report["entities"]!.AsObject())
        {
            Assert.Equal(all.Where(r => r.Entity == entity), Describe(await job.Api.AllRejectionsAsync(job.JobId, $"&entity={entity}", pageSize: 3)));
            foreach (var (reason, count) in counts!["rejectedByReason"]!.AsObject())
            {
                var both = Describe(await job.Api.AllRejectionsAsync(job.JobId, $"&entity={entity}&reason={Uri.EscapeDataString(reason)}", pageSize: 1));
                Assert.Equal(count!.GetValue<long>(), both.Count);
                Assert.Equal(all.Where(r => r.Entity == entity && r.Reason == reason), both);
            }
        }

        var malformed = Describe(await job.Api.AllRejectionsAsync(job.JobId, "&reason=malformed_row"));
        Assert.Equal(["campaigns", "products"], malformed.Select(r => r.Entity));
        Assert.Empty(await job.Api.AllRejectionsAsync(job.JobId, "&reason=no_such_reason"));
    }

    [Fact]
    public async Task Every_rejection_carries_a_one_line_human_detail_and_its_key_unless_the_record_cannot_be_parsed()
    {
        var all = Describe(await job.Api.AllRejectionsAsync(job.JobId, pageSize: 1000));

        Assert.All(all, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(r.Detail));
            Assert.DoesNotContain('\n', r.Detail);
            Assert.DoesNotContain("Exception", r.Detail);
            Assert.Equal(r.Reason == "malformed_row", r.Key is null);
        });
        Assert.Contains(all, r => r is { Reason: "invalid_encoding", Entity: "products", Key: "p7" });
        Assert.Contains(all, r => r.Reason == "malformed_row" && r.Detail.Contains("never closed", StringComparison.Ordinal));
        Assert.Contains(all, r => r.Reason == "orphan:catalog_id" && r.Detail.Contains("k9", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("?entity=orders", "entity")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=1001", "limit")]
    [InlineData("?cursor=not-a-cursor", "cursor")]
    public async Task A_query_that_does_not_fit_is_a_400_problem_naming_the_parameter(string query, string parameter)
    {
        using var response = await job.Api.Http.GetAsync($"{JobsClient.Jobs}/{job.JobId}/rejections{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![parameter]);
    }

    [Fact]
    public async Task Rejections_of_an_unknown_job_are_a_404_problem()
    {
        using var response = await job.Api.Http.GetAsync($"{JobsClient.Jobs}/{Guid.CreateVersion7()}/rejections");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private sealed record Item(string Entity, long Line, string? Key, string Reason, string Detail);

    private static List<Item> Describe(IEnumerable<JsonNode> items) =>
    [
        .. items.Select(i => new Item(i["entity"]!.GetValue<string>(), i["line"]!.GetValue<long>(), i["key"]?.GetValue<string>(),
            i["reason"]!.GetValue<string>(), i["detail"]!.GetValue<string>())),
    ];

    private async Task<JsonNode> GetAsync(string query) =>
        JsonNode.Parse(await job.Api.Http.GetStringAsync($"{JobsClient.Jobs}/{job.JobId}/rejections{query}"))!;
}
