using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Security;

/// <summary>Oversized, deeply nested, huge, oddly encoded and SQL-laden input: a clear 4xx problem, never a 500.</summary>
[Collection(StackCollection.Name)]
public sealed class HostileInputTests(TestStack stack) : IAsyncLifetime
{
    private const string Drop = "'; DROP TABLE migration_jobs; --";
    private MigrationHost _host = null!;
    private JobsClient _api = null!;
    private readonly ExportDirectory _export = new();

    public Task InitializeAsync()
    {
        _host = new MigrationHost(stack, "hostile-" + Guid.NewGuid().ToString("N")[..8]);
        _api = new JobsClient(_host.CreateClient());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _export.Dispose();
    }

    [Fact]
    public async Task An_oversized_body_is_a_413_problem()
    {
        var padding = new string('x', 2 * 1024 * 1024);
        using var response = await _api.PostAsync("""{"source":{"kind":"file","location":"/tmp/@@"}}""".Replace("@@", padding));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertProblemAsync(response);
    }

    [Fact]
    public async Task Deeply_nested_json_is_a_400_problem()
    {
        var nested = new string('[', 5000) + new string(']', 5000);
        using var response = await _api.PostAsync("""{"source":{"kind":"file","location":"/tmp"},"scope":{"merchantIds":@@}}""".Replace("@@", nested));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertProblemAsync(response);
    }

    [Fact]
    public async Task More_merchant_ids_than_allowed_are_a_400_on_the_field()
    {
        var ids = Enumerable.Range(0, 10_001).Select(i => $"m-{i}");
        using var response = await _api.PostAsync(JsonSerializer.Serialize(new { source = new { kind = "file", location = "/tmp" }, scope = new { merchantIds = ids } }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await AssertProblemAsync(response))["errors"]!["scope.merchantIds"]);
    }

    public static TheoryData<string> OddUnicode => new()
    {
        """{"source":{"kind":"file","location":"/tmp/\u0000evil"}}""",
        """{"source":{"kind":"file","location":"/tmp/\ud800"}}""",
        """{"source":{"kind":"fi\u200ble","location":"/tmp"}}""",
        """{"source":{"kind":"file","location":"/tmp"},"scope":{"merchantIds":["m\u202e1","m\u0000"]}}""",
        """{"source":{"kind":"file","location":"/tmp"},"scope":{"dataTypes":["Campaign\uFEFFData"]}}""",
        """{"source":{"kind":"postgres","credentialsRef":"db\u00A0ref","schema":"l\u0131gacy"}}""",
        """{"source\u0000":{"kind":"file","location":"/tmp"}}""",
    };

    [Theory]
    [MemberData(nameof(OddUnicode))]
    public async Task Odd_unicode_is_a_400_problem(string body)
    {
        using var response = await _api.PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertProblemAsync(response);
    }

    [Fact]
    public async Task Invalid_utf8_is_a_400_problem()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"source":{"kind":"file","location":"/tmp/X"}}""");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xC3;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        using var response = await _api.Http.PostAsync(JobsClient.Jobs, content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertProblemAsync(response);
    }

    public static TheoryData<string, string> SqlInFields => new()
    {
        { """{"source":{"kind":"@@","location":"/tmp"}}""".Replace("@@", Drop), "source.kind" },
        { """{"source":{"kind":"file","location":"@@"}}""".Replace("@@", Drop), "source.location" },
        { """{"source":{"kind":"postgres","credentialsRef":"@@"}}""".Replace("@@", Drop), "source.credentialsRef" },
        { """{"source":{"kind":"postgres","credentialsRef":"db","schema":"@@"}}""".Replace("@@", Drop), "source.schema" },
        { """{"source":{"kind":"file","location":"/tmp"},"scope":{"merchantIds":["@@"]}}""".Replace("@@", Drop), "scope.merchantIds" },
        { """{"source":{"kind":"file","location":"/tmp"},"scope":{"dataTypes":["@@"]}}""".Replace("@@", Drop), "scope.dataTypes" },
    };

    [Theory]
    [MemberData(nameof(SqlInFields))]
    public async Task Sql_in_a_field_that_does_not_allow_it_is_a_400_on_that_field(string body, string field)
    {
        using var response = await _api.PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await AssertProblemAsync(response))["errors"]![field]);
    }

    [Fact]
    public async Task Sql_where_text_is_allowed_is_stored_as_text_and_every_table_survives()
    {
        // Per-job staging tables are left out: a job drops its own right after its final status is stored, so they may
        // still be there when a test sees the status (or belong to another test's job).
        var tablesBefore = await SchemaTables.ListAsync(stack.Db, perJobStaging: false);
        // A valid export directory whose name, catalog names and product titles carry SQL.
        var location = Path.Combine(_export.Path, Drop.Replace("/", "_"));
        Directory.CreateDirectory(location);
        var p = "h" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(Path.Combine(location, "catalogs.csv"),
            "catalog_id,merchant_id,catalog_name,country,default_currency,last_modified\n" +
            $"{p}-k1,{p}-m1,\"x'); DROP TABLE catalog_metadata; --\",US,USD,2024-03-01T00:00:00Z\n" +
            $"{p}-k2'--,{p}-m1,Bad id,US,USD,2024-03-01T00:00:00Z\n");
        File.WriteAllText(Path.Combine(location, "products.csv"),
            "product_id,catalog_id,merchant_id,title,price,availability,link,last_modified\n" +
            $"{p}-p1,{p}-k1,{p}-m1,\"Robert'); DROP TABLE migration_rejections;--\",1,in_stock,https://shop.example/p1,2024-03-01T00:00:00Z\n");

        using var submitted = await _api.PostAsync(JsonSerializer.Serialize(JobsClient.FileJob(location, dataTypes: ["ProductCatalogData"], maxRejectedRatio: 1)),
            "'; DROP TABLE migration_idempotency; -- " + p);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var jobId = Guid.Parse(JsonNode.Parse(await submitted.Content.ReadAsStringAsync())!["jobId"]!.GetValue<string>());
        var (job, _) = await _api.WaitForFinalAsync(jobId);
        Assert.Equal("CompletedWithErrors", job["status"]!.GetValue<string>());
        Assert.Equal(location, job["source"]!["location"]!.GetValue<string>());

        foreach (var query in new[] { $"?status={Uri.EscapeDataString(Drop)}", $"?cursor={Uri.EscapeDataString(Drop)}" })
        {
            using var list = await _api.Http.GetAsync(JobsClient.Jobs + query);
            Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
        }
        using (var byReason = await _api.Http.GetAsync($"{JobsClient.Jobs}/{jobId}/rejections?reason={Uri.EscapeDataString(Drop)}"))
            Assert.Equal(HttpStatusCode.BadRequest, byReason.StatusCode);
        using (var byEntity = await _api.Http.GetAsync($"{JobsClient.Jobs}/{jobId}/rejections?entity={Uri.EscapeDataString(Drop)}"))
            Assert.Equal(HttpStatusCode.BadRequest, byEntity.StatusCode);
        using (var byId = await _api.Http.GetAsync($"{JobsClient.Jobs}/{Uri.EscapeDataString(Drop)}"))
            Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);

        Assert.Equal(tablesBefore, await SchemaTables.ListAsync(stack.Db, perJobStaging: false));
        await using var stored = stack.Db.CreateCommand("SELECT name FROM catalog_metadata WHERE catalog_id = $1");
        stored.Parameters.Add(new Npgsql.NpgsqlParameter { Value = $"{p}-k1" });
        Assert.Equal("x'); DROP TABLE catalog_metadata; --", await stored.ExecuteScalarAsync());
        Assert.Contains(jobId, await JobIdsAsync());
    }

    private static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()), problem.ToJsonString());
        Assert.DoesNotContain("   at ", problem.ToJsonString());
        return problem;
    }

    private async Task<List<Guid>> JobIdsAsync()
    {
        await using var command = stack.Db.CreateCommand("SELECT job_id FROM migration_jobs");
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        return ids;
    }
}
