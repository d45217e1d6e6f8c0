using System.Net;
using System.Net.Sockets;
using AdManager.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AdManager.IntegrationTests.Sources;

/// <summary>
/// A legacy database that cannot be used fails the job with a clear error before anything is staged, and the
/// password of the secret shows up nowhere: not in the answers, the logs, the stored grain state or the report.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PostgresSourceFailureTests(TestStack stack, LegacyDatabase db) : IClassFixture<LegacyDatabase>
{
    private const string Tables = """
        CREATE TABLE {s}.campaigns (id bigint PRIMARY KEY, campaign_id text, merchant_id text, campaign_name text, status text,
            daily_budget text, currency text, start_date text, end_date text, targeting_json text, last_modified text);
        CREATE TABLE {s}.catalogs (id bigint PRIMARY KEY, catalog_id text, merchant_id text, catalog_name text, country text,
            default_currency text, last_modified text);
        INSERT INTO {s}.campaigns VALUES (1, 'c1', 'm1', 'Summer', 'active', '1', 'USD', '2024-03-01', NULL, NULL, '2024-03-01T00:00:00Z');
        """;

    private readonly LogCapture _logs = new();

    [Fact]
    public async Task A_wrong_password_fails_the_job_without_repeating_any_password()
    {
        var schema = await db.CreateSchemaAsync(Tables);
        var wrong = new NpgsqlConnectionStringBuilder(db.ReaderConnectionString) { Password = "Wrong-" + db.Password }.ConnectionString;

        var error = await FailingJobAsync("legacydb", schema, new() { ["Secrets:legacydb"] = wrong }, "Wrong-" + db.Password);

        Assert.Equal($"legacy database 127.0.0.1:{Port}/{db.Name} (credentialsRef 'legacydb'): connecting failed: " +
            "the server refused the credentials (password authentication failed); check the secret", error);
    }

    [Fact]
    public async Task An_unreachable_host_fails_the_job_clearly()
    {
        var schema = await db.CreateSchemaAsync(Tables);
        var closed = ClosedPort();
        var unreachable = new NpgsqlConnectionStringBuilder(db.ReaderConnectionString) { Port = closed, Timeout = 5 }.ConnectionString;

        var error = await FailingJobAsync("legacydb", schema, new() { ["Secrets:legacydb"] = unreachable });

        Assert.Equal($"legacy database 127.0.0.1:{closed}/{db.Name} (credentialsRef 'legacydb'): connecting failed: cannot reach the server (ConnectionRefused)", error);
    }

    [Fact]
    public async Task A_secret_that_is_not_configured_fails_the_job_naming_where_it_was_looked_for()
    {
        var schema = await db.CreateSchemaAsync(Tables);
        var error = await FailingJobAsync("nosuchsecret", schema, []);
        Assert.Equal("secret 'nosuchsecret' is not configured on the silo " +
            "(set Secrets__nosuchsecret or mount a file named nosuchsecret in the secrets directory)", error);
    }

    [Fact]
    public async Task A_secret_that_is_no_connection_string_fails_without_quoting_it()
    {
        var schema = await db.CreateSchemaAsync(Tables);
        var garbage = $"Hots=nowhere;Password={db.Password}";
        var error = await FailingJobAsync("legacydb", schema, new() { ["Secrets:legacydb"] = garbage });
        Assert.Equal("the secret 'legacydb' does not hold a valid PostgreSQL connection string", error);
    }

    /// <summary>
    /// The server quotes a setting it refuses (<c>invalid value for parameter "TimeZone": "..."</c>), and settings come from
    /// the secret: while connecting, its text is left out (it was in the job's error, its stored state and its log line).
    /// </summary>
    [Theory]
    [InlineData("Options", "-c statement_timeout=")]
    [InlineData("Timezone", "")]
    [InlineData("Options", "-c ")]
    public async Task A_session_setting_the_server_refuses_is_named_without_quoting_the_secret(string keyword, string prefix)
    {
        var schema = await db.CreateSchemaAsync(Tables);
        var canary = "Canary-" + Guid.NewGuid().ToString("N")[..12];
        var value = prefix == "-c " ? $"-c {canary}=1" : prefix + canary;
        var secret = new NpgsqlConnectionStringBuilder(db.ReaderConnectionString) { [keyword] = value }.ConnectionString;

        var error = await FailingJobAsync("legacydb", schema, new() { ["Secrets:legacydb"] = secret }, canary);

        Assert.StartsWith($"legacy database 127.0.0.1:{Port}/{db.Name} (credentialsRef 'legacydb'): connecting failed: " +
            "the server refused a setting the secret gives the session (SQLSTATE ", error);
    }

    [Fact]
    public async Task A_secret_without_a_password_says_so()
    {
        var schema = await db.CreateSchemaAsync(Tables);
        var secret = new NpgsqlConnectionStringBuilder(db.ReaderConnectionString) { Password = null }.ConnectionString;
        var error = await FailingJobAsync("legacydb", schema, new() { ["Secrets:legacydb"] = secret });
        Assert.EndsWith("connecting failed: the secret has no password, and the server asks for one", error);
    }

    [Fact]
    public async Task A_secret_requiring_tls_of_a_server_without_it_says_so()
    {
        var schema = await db.CreateSchemaAsync(Tables);
        var secret = new NpgsqlConnectionStringBuilder(db.ReaderConnectionString) { SslMode = SslMode.Require }.ConnectionString;
        var error = await FailingJobAsync("legacydb", schema, new() { ["Secrets:legacydb"] = secret });
        Assert.EndsWith("connecting failed: the secret requires TLS (SSL Mode), and the server does not offer it", error);
    }

    [Fact]
    public async Task A_secret_without_a_host_is_named_as_such()
    {
        var schema = await db.CreateSchemaAsync(Tables);
        var error = await FailingJobAsync("legacydb", schema, new() { ["Secrets:legacydb"] = $"Password={db.Password};Database={db.Name}" });
        Assert.EndsWith("connecting failed: the secret's connection string has no usable Host", error);
    }

    [Fact]
    public async Task A_data_type_with_neither_of_its_tables_fails_the_job()
    {
        var schema = await db.CreateSchemaAsync("CREATE TABLE {s}.campaigns (id bigint PRIMARY KEY, campaign_id text)");
        var error = await FailingJobAsync("legacydb", schema, Reader, dataTypes: ["ProductCatalogData"]);
        Assert.Equal($"schema '{schema}' has no table for data type 'ProductCatalogData'; expected at least one of: catalogs, products", error);
    }

    [Fact]
    public async Task A_missing_schema_fails_the_job()
    {
        var error = await FailingJobAsync("legacydb", "no_such_schema", Reader);
        Assert.Equal("the legacy database has no schema 'no_such_schema'", error);
    }

    [Fact]
    public async Task A_missing_required_column_fails_the_job_before_any_row_is_read()
    {
        var schema = await db.CreateSchemaAsync(Tables, "ALTER TABLE {s}.catalogs DROP COLUMN country, DROP COLUMN last_modified");
        var error = await FailingJobAsync("legacydb", schema, Reader);
        Assert.Equal($"{schema}.catalogs lacks the required columns 'country', 'last_modified'", error);
    }

    [Fact]
    public async Task A_table_the_role_may_not_read_fails_the_job()
    {
        var schema = await db.CreateSchemaAsync(Tables, $"REVOKE SELECT ON {{s}}.catalogs FROM {db.Role}");
        var error = await FailingJobAsync("legacydb", schema, Reader);
        Assert.Equal($"the legacy database's role may not read {schema}.catalogs (no SELECT privilege)", error);
    }

    [Fact]
    public async Task Column_grants_are_enough_for_the_columns_read_and_a_missing_one_is_named()
    {
        const string grant = "campaign_id, merchant_id, campaign_name, status, daily_budget, currency, start_date, end_date, targeting_json, last_modified";
        var schema = await db.CreateSchemaAsync(Tables, "ALTER TABLE {s}.campaigns ADD COLUMN secret_notes text",
            $"REVOKE SELECT ON {{s}}.campaigns FROM {db.Role}", $"GRANT SELECT (id, {grant}) ON {{s}}.campaigns TO {db.Role}");
        await using (var host = new MigrationHost(stack, "pgcols-" + Guid.NewGuid().ToString("N")[..10], Reader))
        {
            var api = new JobsClient(host.CreateClient());
            var (job, _) = await api.WaitForFinalAsync(await api.SubmitAsync(SourceParityExport.PostgresJob("legacydb", schema, dataTypes: ["CampaignData"])));
            Assert.True(job["status"]!.GetValue<string>() == "Completed", job.ToJsonString());
            Assert.Equal(1, (await api.ReportAsync(Guid.Parse(job["jobId"]!.GetValue<string>())))["entities"]!["campaigns"]!["loaded"]!.GetValue<long>());
        }

        // Without the grant on a spec column, the job names it (the key column ordering the rows counts too).
        await db.ExecAsync($"REVOKE SELECT (currency, id) ON {schema}.campaigns FROM {db.Role}");
        var error = await FailingJobAsync("legacydb", schema, Reader, dataTypes: ["CampaignData"]);
        Assert.Equal($"the legacy database's role may not read the columns 'currency', 'id' of {schema}.campaigns (no SELECT privilege)", error);
    }

    private Dictionary<string, string?> Reader => new() { ["Secrets:legacydb"] = db.ReaderConnectionString };

    private int Port => new NpgsqlConnectionStringBuilder(db.ReaderConnectionString).Port;

    /// <summary>Runs a job that must fail, checks no staging or target was touched and no password leaked; returns its error.</summary>
    private async Task<string> FailingJobAsync(string credentialsRef, string schema, Dictionary<string, string?> settings,
        string? alsoSecret = null, string[]? dataTypes = null)
    {
        settings["Logging:LogLevel:Default"] = "Information";
        await using var host = new MigrationHost(stack, "pgfail-" + Guid.NewGuid().ToString("N")[..10], settings,
            configure: b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(_logs)));
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(SourceParityExport.PostgresJob(credentialsRef, schema, dataTypes: dataTypes));
        var (job, _) = await api.WaitForFinalAsync(jobId);

        Assert.Equal("Failed", job["status"]!.GetValue<string>());
        Assert.Equal(["Submitted", "InProgress:Extracting", "Failed"], JobsClient.History(job));
        var report = await api.ReportAsync(jobId);
        Assert.All(report["entities"]!.AsObject(), e => Assert.Equal(0, e.Value!["read"]!.GetValue<long>()));
        var error = job["error"]!.GetValue<string>();
        Assert.Equal(error, report["error"]!.GetValue<string>());

        var responses = new[] { job.ToJsonString(), report.ToJsonString(), await api.Http.GetStringAsync(JobsClient.Jobs) };
        await SecretLeaks.AssertNowhereAsync(db.Password, schema, stack, host, _logs, responses);
        if (alsoSecret is not null) await SecretLeaks.AssertNowhereAsync(alsoSecret, schema, stack, host, _logs, responses);
        return error;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
