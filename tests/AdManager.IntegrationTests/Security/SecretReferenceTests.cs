using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Security;

/// <summary>
/// A job names its credentials (<c>credentialsRef</c>); the silo resolves them from configuration or a
/// secrets directory. A planted secret value appears in no response, log line or stored row.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SecretReferenceTests(TestStack stack) : IAsyncLifetime
{
    private readonly string _configuredPassword = "cfg-" + Guid.NewGuid().ToString("N");
    private readonly string _filePassword = "file-" + Guid.NewGuid().ToString("N");
    private readonly DirectoryInfo _secrets = Directory.CreateTempSubdirectory("secrets-");
    private readonly List<string> _responses = [];
    private MigrationHost _host = null!;
    private JobsClient _api = null!;

    public Task InitializeAsync()
    {
        // Port 1 refuses connections: once the postgres source exists, the job still fails, the way a wrong host would.
        File.WriteAllText(Path.Combine(_secrets.FullName, "mounted"), $"Host=127.0.0.1;Port=1;Database=legacy;Username=reader;Password={_filePassword}\n");
        _host = new MigrationHost(stack, "secrets-" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string?>
        {
            ["Secrets:legacydb"] = $"Host=127.0.0.1;Port=1;Database=legacy;Username=reader;Password={_configuredPassword}",
            ["SecretStore:Directory"] = _secrets.FullName,
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:AdManager"] = "Debug",
        });
        _api = new JobsClient(_host.CreateClient());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _secrets.Delete(true);
    }

    [Fact]
    public async Task Secrets_from_configuration_and_from_a_mounted_file_never_show_in_responses_logs_or_stored_rows()
    {
        var fromConfig = await RunPostgresJobAsync("legacydb");
        var fromFile = await RunPostgresJobAsync("mounted");

        // Both were resolved on the silo (the pipeline got as far as the source), by name only.
        Assert.Contains("Secret legacydb resolved from configuration", _host.Logs.AllText);
        Assert.Contains("Secret mounted resolved from file", _host.Logs.AllText);
        foreach (var job in new[] { fromConfig, fromFile })
        {
            Assert.Equal("Failed", job["status"]!.GetValue<string>());
            Assert.DoesNotContain("not configured", job["error"]!.GetValue<string>());
        }

        _responses.Add(await _api.Http.GetStringAsync($"{JobsClient.Jobs}?limit=200"));
        foreach (var secret in new[] { _configuredPassword, _filePassword })
        {
            Assert.All(_responses, body => Assert.DoesNotContain(secret, body));
            Assert.DoesNotContain(secret, _host.Logs.AllText);
            Assert.Empty(await DatabaseScan.TablesContainingAsync(stack.Db, secret));
        }
        // The scan does find what is stored: the secret's name is in the job's state.
        Assert.Contains("orleansstorage", await DatabaseScan.TablesContainingAsync(stack.Db, "legacydb"));
    }

    [Fact]
    public async Task A_reference_to_a_missing_secret_fails_the_job_naming_only_the_reference()
    {
        var job = await RunPostgresJobAsync("nosuchsecret");

        Assert.Equal("Failed", job["status"]!.GetValue<string>());
        Assert.Contains("secret 'nosuchsecret' is not configured", job["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Credentials_put_where_the_reference_belongs_are_refused_without_being_echoed()
    {
        var inline = $"Host=db;Username=u;Password={_configuredPassword}";
        using var response = await _api.Http.PostAsJsonAsync(JobsClient.Jobs, new { source = new { kind = "postgres", credentialsRef = inline } });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(body)!["errors"]!["source.credentialsRef"]);
        Assert.DoesNotContain(_configuredPassword, body);
        Assert.DoesNotContain(_configuredPassword, _host.Logs.AllText);
    }

    private async Task<JsonNode> RunPostgresJobAsync(string credentialsRef)
    {
        using var submitted = await _api.Http.PostAsJsonAsync(JobsClient.Jobs, new { source = new { kind = "postgres", credentialsRef, schema = "legacy" } });
        var text = await submitted.Content.ReadAsStringAsync();
        _responses.Add(text);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var jobId = Guid.Parse(JsonNode.Parse(text)!["jobId"]!.GetValue<string>());

        var (job, _) = await _api.WaitForFinalAsync(jobId);
        _responses.Add(job.ToJsonString());
        _responses.Add(await _api.Http.GetStringAsync($"{JobsClient.Jobs}/{jobId}/report"));
        _responses.Add(await _api.Http.GetStringAsync($"{JobsClient.Jobs}/{jobId}/rejections"));
        return job;
    }
}
