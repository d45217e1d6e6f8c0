using System.Text.Json.Nodes;
using AdManager.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AdManager.IntegrationTests.Sources;

/// <summary>The <c>postgres</c> source against a real legacy database: the same transformation as files, to the value.</summary>
[Collection(StackCollection.Name)]
public sealed class PostgresSourceParityTests(TestStack stack, LegacyDatabase db) : IClassFixture<LegacyDatabase>, IDisposable
{
    private readonly SourceParityExport _export = new();
    private readonly LogCapture _logs = new();

    public void Dispose() => _export.Dispose();

    [Fact]
    public async Task The_same_export_from_files_and_from_the_database_gives_the_same_report_rejections_and_targets()
    {
        var schema = await db.CreateSchemaAsync();
        var fileLines = await LegacyExportLoader.LoadAsync(db, schema, _export.Directory.Path);
        await using var host = Host("parity-");
        var api = new JobsClient(host.CreateClient());

        var fileJob = await api.SubmitAsync(_export.FileRequest());
        var (fileState, _) = await api.WaitForFinalAsync(fileJob);
        var fileTargets = await TargetSnapshot.ReadAsync(stack, _export.P);
        var dbJob = await api.SubmitAsync(_export.PostgresRequest(schema));
        var (dbState, _) = await api.WaitForFinalAsync(dbJob);
        var dbTargets = await TargetSnapshot.ReadAsync(stack, _export.P);

        Assert.Equal("CompletedWithErrors", fileState["status"]!.GetValue<string>());
        Assert.Equal("CompletedWithErrors", dbState["status"]!.GetValue<string>());

        var fileReport = await api.ReportAsync(fileJob);
        var dbReport = await api.ReportAsync(dbJob);
        Assert.Null(fileReport["sourceSnapshotAt"]);
        var snapshotAt = dbReport["sourceSnapshotAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(snapshotAt, dbState["submittedAt"]!.GetValue<DateTimeOffset>().AddSeconds(-5), dbReport["completedAt"]!.GetValue<DateTimeOffset>());
        // The export really exercises every outcome, so equal reports mean something.
        var entities = fileReport["entities"]!.AsObject();
        Assert.All(entities, e => Assert.True(e.Value!["rejected"]!.GetValue<long>() > 0, $"{e.Key} has no rejection"));
        Assert.All(["campaigns", "campaign_performance", "products"], e => Assert.True(entities[e]!["skippedOutOfScope"]!.GetValue<long>() > 0));
        Assert.All(["campaigns", "campaign_performance", "products"], e => Assert.True(entities[e]!["superseded"]!.GetValue<long>() > 0));
        Assert.Equal(Comparable(fileReport), Comparable(dbReport));

        // Rejections: the same records, reasons and details; the line is the row's position in primary-key order.
        var fileRejections = await api.AllRejectionsAsync(fileJob);
        var dbRejections = await api.AllRejectionsAsync(dbJob);
        Assert.Equal(16, fileRejections.Count);
        Assert.Equal(
            fileRejections.Select(r => Describe(r, fileLines[r["entity"]!.GetValue<string>()].ToList().IndexOf(r["line"]!.GetValue<long>()) + 1)),
            dbRejections.Select(r => Describe(r, r["line"]!.GetValue<long>())));

        // Targets: every stored value equal; each job's id on every record it wrote.
        Assert.Equal(entities.Sum(e => e.Value!["loaded"]!.GetValue<long>()), fileTargets.Rows.Count);
        Assert.Equal(fileTargets.Rows, dbTargets.Rows);
        Assert.Equal([fileJob.ToString()], fileTargets.JobIds);
        Assert.Equal([dbJob.ToString()], dbTargets.JobIds);

        // The metrics endpoint (scraped without a token) describes the database connections, but not with the secret's
        // content: Npgsql named the legacy pool after the connection string, role name and all.
        var metrics = await api.Http.GetStringAsync("/metrics");
        Assert.Contains("db_client_connection_count", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(db.Role, metrics, StringComparison.Ordinal);
        await SecretLeaks.AssertNowhereAsync(db.Password, schema, stack, host, _logs,
            (await api.GetAsync(dbJob)).ToJsonString(), dbReport.ToJsonString(), await api.Http.GetStringAsync(JobsClient.Jobs), metrics);
    }

    private MigrationHost Host(string name, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Secrets:legacydb"] = db.ReaderConnectionString,
            ["Logging:LogLevel:Default"] = "Information",
        };
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        return new MigrationHost(stack, name + _export.P, settings, configure: b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(_logs)));
    }

    /// <summary>The report without what differs between any two jobs: ids, times, durations, the snapshot time.</summary>
    private static string Comparable(JsonNode report)
    {
        var copy = report.DeepClone().AsObject();
        foreach (var volatileField in new[] { "jobId", "startedAt", "completedAt", "durationSeconds", "phases", "sourceSnapshotAt", "rejectionsUrl" })
        {
            Assert.True(copy.Remove(volatileField), $"the report has no '{volatileField}'");
        }
        return copy.ToJsonString();
    }

    private static string Describe(JsonNode rejection, long line) =>
        $"{rejection["entity"]} {line} {rejection["key"]} {rejection["reason"]} {rejection["detail"]}";
}
