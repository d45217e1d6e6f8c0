using AdManager.IntegrationTests.Infrastructure;
using Npgsql;

namespace AdManager.IntegrationTests.Sources;

/// <summary>Every legacy table is read at one snapshot, however long extraction takes and whatever commits meanwhile.</summary>
[Collection(StackCollection.Name)]
public sealed class PostgresSnapshotTests(TestStack stack, LegacyDatabase db) : IClassFixture<LegacyDatabase>, IDisposable
{
    private readonly SourceParityExport _export = new();

    public void Dispose() => _export.Dispose();

    [Fact]
    public async Task Changes_committed_while_extraction_runs_are_not_in_the_copy()
    {
        var schema = await db.CreateSchemaAsync();
        await LegacyExportLoader.LoadAsync(db, schema, _export.Directory.Path);
        await using var host = new MigrationHost(stack, "snap-" + _export.P, new Dictionary<string, string?> { ["Secrets:legacydb"] = db.ReaderConnectionString });
        var api = new JobsClient(host.CreateClient());
        var p = _export.P;

        // Hold the job at the third table: campaigns and their performance are read by then, catalogs and products not.
        await using var blocker = await db.Owner.OpenConnectionAsync();
        await using var blocking = await blocker.BeginTransactionAsync();
        await ExecAsync(blocker, $"LOCK TABLE {schema}.catalogs IN ACCESS EXCLUSIVE MODE");

        var jobId = await api.SubmitAsync(_export.PostgresRequest(schema));
        await WaitUntilTheJobWaitsForAsync($"{schema}.catalogs");

        // Committed now, after the job took its snapshot and read the first tables, before it reads the rest.
        await using (var writer = await db.Owner.OpenConnectionAsync())
        {
            await ExecAsync(writer, $"""
                UPDATE {schema}.products SET title = 'Changed' WHERE product_id = 'p2';
                DELETE FROM {schema}.products WHERE product_id = 'p1';
                INSERT INTO {schema}.products (legacy_row, product_id, catalog_id, merchant_id, title, price, availability, link, last_modified)
                    VALUES (1000, 'p9', '{p}k2', '{p}m2', 'New', '1', 'in_stock', 'https://x.example', '2024-03-01T00:00:00Z');
                UPDATE {schema}.campaigns SET campaign_name = 'Changed', currency = 'XYZ';
                """);
        }
        await ExecAsync(blocker, $"UPDATE {schema}.catalogs SET catalog_name = 'Changed'");
        var changedAt = await ScalarAsync<DateTimeOffset>(blocker, "SELECT clock_timestamp()");
        await blocking.CommitAsync();

        var (job, _) = await api.WaitForFinalAsync(jobId);
        Assert.Equal("CompletedWithErrors", job["status"]!.GetValue<string>());
        var report = await api.ReportAsync(jobId);
        Assert.True(report["sourceSnapshotAt"]!.GetValue<DateTimeOffset>() < changedAt);

        // Exactly the data as it was before the changes, in every table: the same targets the unchanged export gives.
        var targets = await TargetSnapshot.ReadAsync(stack, p);
        Assert.Contains(targets.Rows, r => r.Contains($"ProductId=p1|") && r.Contains("Title=Mug v2"));
        Assert.Contains(targets.Rows, r => r.Contains($"ProductId=p2|") && r.Contains("Title=Tee"));
        Assert.DoesNotContain(targets.Rows, r => r.Contains("ProductId=p9|"));
        Assert.DoesNotContain(targets.Rows, r => r.Contains("Changed"));
        Assert.Contains(targets.Rows, r => r.StartsWith("catalog_metadata ", StringComparison.Ordinal) && r.Contains($"\"catalog_id\": \"{p}k1\"") && r.Contains("\"product_count\": 2"));

        await using var fileHost = new MigrationHost(stack, "snapfile-" + _export.P);
        var fileApi = new JobsClient(fileHost.CreateClient());
        var fileJob = await fileApi.SubmitAsync(_export.FileRequest());
        await fileApi.WaitForFinalAsync(fileJob);
        Assert.Equal((await TargetSnapshot.ReadAsync(stack, p)).Rows, targets.Rows);
    }

    [Fact]
    public async Task Extraction_interrupted_by_a_silo_restart_starts_over_at_a_new_snapshot()
    {
        var schema = await db.CreateSchemaAsync();
        await LegacyExportLoader.LoadAsync(db, schema, _export.Directory.Path);
        var serviceId = "snaprestart-" + _export.P;
        var settings = new Dictionary<string, string?> { ["Secrets:legacydb"] = db.ReaderConnectionString };
        var p = _export.P;
        Guid jobId;
        DateTimeOffset changedAt;

        await using (var blocker = await db.Owner.OpenConnectionAsync())
        {
            await using var blocking = await blocker.BeginTransactionAsync();
            await ExecAsync(blocker, $"LOCK TABLE {schema}.catalogs IN ACCESS EXCLUSIVE MODE");
            await using (var first = new MigrationHost(stack, serviceId, settings))
            {
                jobId = await new JobsClient(first.CreateClient()).SubmitAsync(_export.PostgresRequest(schema));
                await WaitUntilTheJobWaitsForAsync($"{schema}.catalogs");
                // After the first snapshot, and campaigns were read at it already.
                await using var writer = await db.Owner.OpenConnectionAsync();
                await ExecAsync(writer, $"UPDATE {schema}.campaigns SET campaign_name = 'Renamed' WHERE campaign_id = '{p}c2'");
                changedAt = await ScalarAsync<DateTimeOffset>(writer, "SELECT clock_timestamp()");
            }

            // The silo stopped: the waiting read was cancelled and the legacy server let go of it, though the lock is still held.
            await WaitUntilAsync($"SELECT count(*) = 0 FROM pg_stat_activity WHERE usename = '{db.Role}'", "the legacy session outlived the silo");
            await blocking.RollbackAsync();
        }

        await using var second = new MigrationHost(stack, serviceId, settings);
        var api = new JobsClient(second.CreateClient());
        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(120));

        Assert.Equal("CompletedWithErrors", job["status"]!.GetValue<string>());
        var report = await api.ReportAsync(jobId);
        Assert.True(report["sourceSnapshotAt"]!.GetValue<DateTimeOffset>() > changedAt, "extraction did not start over at a new snapshot");
        Assert.Equal(12, report["entities"]!["campaigns"]!["read"]!.GetValue<long>());
        // Every table from the new snapshot, the ones read before the restart included.
        var targets = await TargetSnapshot.ReadAsync(stack, p);
        Assert.Contains(targets.Rows, r => r.Contains($"\"campaign_id\": \"{p}c2\"") && r.Contains("\"name\": \"Renamed\""));
    }

    [Fact]
    public async Task A_legacy_session_the_server_ends_mid_read_is_read_again_from_a_new_snapshot()
    {
        var schema = await db.CreateSchemaAsync();
        await LegacyExportLoader.LoadAsync(db, schema, _export.Directory.Path);
        await using var host = new MigrationHost(stack, "snapkill-" + _export.P, new Dictionary<string, string?> { ["Secrets:legacydb"] = db.ReaderConnectionString });
        var api = new JobsClient(host.CreateClient());
        Guid jobId;

        await using (var blocker = await db.Owner.OpenConnectionAsync())
        {
            await using var blocking = await blocker.BeginTransactionAsync();
            await ExecAsync(blocker, $"LOCK TABLE {schema}.catalogs IN ACCESS EXCLUSIVE MODE");
            jobId = await api.SubmitAsync(_export.PostgresRequest(schema));
            await WaitUntilTheJobWaitsForAsync($"{schema}.catalogs");
            // What a legacy failover, a restart or an administrator does to the job's session, with two tables read.
            Assert.True(await ScalarAsync<bool>(blocker, $"SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = '{db.Role}'"));
            await blocking.RollbackAsync();
        }

        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(120));
        Assert.Equal("CompletedWithErrors", job["status"]!.GetValue<string>());
        Assert.Contains(host.Logs.Entries, l => l.Contains($"Job {jobId}", StringComparison.Ordinal) && l.Contains("transient fault, retry 1/", StringComparison.Ordinal)
            && l.Contains("the server ended the session", StringComparison.Ordinal));
        // Read once more from the start, counted once: the same report and targets as the export's files give.
        var report = await api.ReportAsync(jobId);
        var targets = await TargetSnapshot.ReadAsync(stack, _export.P);
        var fileJob = await api.SubmitAsync(_export.FileRequest());
        await api.WaitForFinalAsync(fileJob);
        var fileReport = await api.ReportAsync(fileJob);
        Assert.Equal(fileReport["entities"]!.ToJsonString(), report["entities"]!.ToJsonString());
        Assert.Equal((await TargetSnapshot.ReadAsync(stack, _export.P)).Rows, targets.Rows);
    }

    /// <summary>Waits, by asking the server, until the reader role's session is blocked on the table's lock.</summary>
    private Task WaitUntilTheJobWaitsForAsync(string table) => WaitUntilAsync($"""
        SELECT count(*) > 0 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE NOT l.granted AND l.relation = '{table}'::regclass AND a.usename = '{db.Role}'
        """, $"the job never waited for {table}");

    /// <summary>Polls a condition the legacy server reports (the state being waited for is the server's, not a time).</summary>
    private async Task WaitUntilAsync(string condition, string failure)
    {
        await using var monitor = await db.Owner.OpenConnectionAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await ScalarAsync<bool>(monitor, condition))
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }

    private static async Task ExecAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return reader.GetFieldValue<T>(0);
    }
}
