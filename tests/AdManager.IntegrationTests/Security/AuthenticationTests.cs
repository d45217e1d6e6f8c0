using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AdManager.Api.Security;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Security;

/// <summary>Bearer tokens and roles exactly as spec/api.md says: 401 and 403 as problem details, viewers only read.</summary>
[Collection(StackCollection.Name)]
public sealed class AuthenticationTests(TestStack stack) : IAsyncLifetime
{
    private const string Jobs = JobsClient.Jobs;
    private MigrationHost _host = null!;
    private readonly ExportDirectory _export = new();

    public Task InitializeAsync()
    {
        _host = new MigrationHost(stack, "auth-" + Guid.NewGuid().ToString("N")[..8]);
        _export.Write("catalogs.csv", "catalog_id,merchant_id,catalog_name,country,default_currency,last_modified\n");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _export.Dispose();
    }

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", Jobs },
        { "POST", Jobs },
        { "GET", $"{Jobs}/{Guid.NewGuid()}" },
        { "POST", $"{Jobs}/{Guid.NewGuid()}/cancel" },
        { "GET", $"{Jobs}/{Guid.NewGuid()}/report" },
        { "GET", $"{Jobs}/{Guid.NewGuid()}/rejections" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_admin_endpoint_without_a_token_is_a_401_problem(string method, string url)
    {
        using var response = await SendAsync(null, method, url);
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Authorization: Bearer");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "expired", "expired" },
        { "other-key", "signature" },
        { "other-issuer", "issuer" },
        { "other-audience", "audience" },
        { "garbage", "well-formed" },
        { "no-subject", "no subject (sub)" },
        { "control-subject", "no subject (sub)" },
        { "direction-subject", "no subject (sub)" },
        { "invisible-subject", "no subject (sub)" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Tokens_that_do_not_validate_are_a_401_problem_saying_why(string kind, string reason)
    {
        var token = kind switch
        {
            "expired" => TestTokens.Create(PlatformRoles.Admin, "late", expires: DateTime.UtcNow.AddMinutes(-5)),
            "other-key" => TestTokens.Create(PlatformRoles.Admin, "forger", key: RandomNumberGenerator.GetBytes(32)),
            "other-issuer" => TestTokens.Create(PlatformRoles.Admin, "stranger", issuer: "someone-else"),
            "other-audience" => TestTokens.Create(PlatformRoles.Admin, "neighbour", audience: "another-service"),
            "no-subject" => TestTokens.Create(PlatformRoles.Admin, ""),
            "control-subject" => TestTokens.Create(PlatformRoles.Admin, "evil\r\n2026-01-01 info: forged"),
            // Shown as "alice@example.com" in the audit trail and the portal, but another subject.
            "direction-subject" => TestTokens.Create(PlatformRoles.Admin, "alice@\u202Emoc.elpmaxe"),
            "invisible-subject" => TestTokens.Create(PlatformRoles.Admin, "alice\u200B@example.com"),
            _ => "not.a.jwt",
        };
        using var response = await SendAsync(token, "GET", Jobs);
        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, reason);
        Assert.DoesNotContain(token, problem.ToJsonString());
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_viewer_reads_but_may_not_submit_or_cancel()
    {
        var viewer = TestTokens.Viewer();
        var jobId = await new JobsClient(_host.CreateClient()).SubmitAsync(JobsClient.FileJob(_export.Path, dataTypes: ["ProductCatalogData"]));

        using (var list = await SendAsync(viewer, "GET", Jobs)) Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using (var job = await SendAsync(viewer, "GET", $"{Jobs}/{jobId}")) Assert.Equal(HttpStatusCode.OK, job.StatusCode);
        using (var submit = await SendAsync(viewer, "POST", Jobs, JobsClient.FileJob(_export.Path)))
            await AssertProblemAsync(submit, HttpStatusCode.Forbidden, PlatformRoles.Admin);
        using (var cancel = await SendAsync(viewer, "POST", $"{Jobs}/{jobId}/cancel"))
            await AssertProblemAsync(cancel, HttpStatusCode.Forbidden, PlatformRoles.Admin);
    }

    [Fact]
    public async Task HEAD_answers_as_GET_does_a_read_a_viewer_may_make()
    {
        var viewer = TestTokens.Viewer();
        var jobId = await new JobsClient(_host.CreateClient()).SubmitAsync(JobsClient.FileJob(_export.Path, dataTypes: ["ProductCatalogData"]));

        foreach (var url in new[] { Jobs, $"{Jobs}/{jobId}", $"{Jobs}/{jobId}/rejections" })
        {
            using var get = await SendAsync(viewer, "GET", url);
            using var head = await SendAsync(viewer, "HEAD", url);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        }
        using (var unknown = await SendAsync(viewer, "HEAD", $"{Jobs}/{Guid.NewGuid()}")) Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using (var anonymous = await SendAsync(null, "HEAD", Jobs)) Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        foreach (var url in new[] { "/", "/swagger/v1/swagger.json", "/health/live" })
        {
            using var page = await SendAsync(null, "HEAD", url);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        // Not a read where GET has no endpoint either.
        using var cancel = await SendAsync(viewer, "HEAD", $"{Jobs}/{jobId}/cancel");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, cancel.StatusCode);
        Assert.Contains("POST", cancel.Content.Headers.Allow);
    }

    [Fact]
    public async Task A_token_without_a_platform_role_is_a_403_problem_even_for_reads()
    {
        using var response = await SendAsync(TestTokens.Create("marketing", "someone"), "GET", Jobs);
        await AssertProblemAsync(response, HttpStatusCode.Forbidden, PlatformRoles.Viewer);
    }

    [Fact]
    public async Task Submissions_by_a_viewer_create_no_job()
    {
        await using var count = stack.Db.CreateCommand("SELECT count(*) FROM migration_jobs");
        var before = (long)(await count.ExecuteScalarAsync())!;
        using var response = await SendAsync(TestTokens.Viewer(), "POST", Jobs, JobsClient.FileJob(_export.Path));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, (long)(await count.ExecuteScalarAsync())!);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/")]
    [InlineData("/swagger/index.html")]
    [InlineData("/swagger/v1/swagger.json")]
    public async Task Health_the_portal_page_and_swagger_need_no_token(string url)
    {
        using var response = await SendAsync(null, "GET", url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Swagger_offers_bearer_authorization_on_the_admin_endpoints_only()
    {
        var doc = JsonNode.Parse(await _host.CreateClientWithToken(null).GetStringAsync("/swagger/v1/swagger.json"))!;
        var scheme = doc["components"]!["securitySchemes"]!["Bearer"]!;
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        var submit = doc["paths"]![Jobs]!["post"]!;
        Assert.NotNull(submit["security"]![0]!["Bearer"]);
        Assert.NotNull(submit["responses"]!["401"]);
        Assert.NotNull(submit["responses"]!["403"]);
        Assert.Null(doc["security"]);
        Assert.Null(doc["paths"]!["/swagger/v1/swagger.json"]);
    }

    private async Task<HttpResponseMessage> SendAsync(string? token, string method, string url, object? body = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await _host.CreateClientWithToken(token).SendAsync(request);
    }

    private static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailMentions)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.Contains(detailMentions, problem["detail"]!.GetValue<string>());
        return problem;
    }
}
