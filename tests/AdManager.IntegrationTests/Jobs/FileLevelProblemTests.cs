using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Jobs;

/// <summary>
/// Problems of the export as a whole (spec, "Layout"): the job ends Failed with an error naming the file, before anything
/// is loaded, and its report and rejections show nothing processed. Every export here also holds good records.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class FileLevelProblemTests(TestStack stack) : IAsyncLifetime
{
    private readonly string _p = "f" + Guid.NewGuid().ToString("N")[..10] + "-";
    private MigrationHost _host = null!;
    private JobsClient _api = null!;

    public Task InitializeAsync()
    {
        _host = new MigrationHost(stack, "files-" + _p);
        _api = new JobsClient(_host.CreateClient());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private string Campaigns => $"""
        campaign_id,merchant_id,campaign_name,status,daily_budget,currency,start_date,last_modified
        {_p}c1,{_p}m1,Spring,active,10,USD,2024-03-01,2024-03-01T10:00:00Z
        {_p}c2,{_p}m1,Bad currency,active,10,XYZ,2024-03-01,2024-03-01T10:00:00Z

        """;

    private string Performance => $"""
        campaign_id,merchant_id,date,impressions,clicks,cost
        {_p}c1,{_p}m1,2024-03-01,10,1,0.5

        """;

    private string Catalogs => $$"""
        {"catalog_id":"{{_p}}k1","merchant_id":"{{_p}}m1","catalog_name":"Main","country":"DE","default_currency":"EUR","last_modified":"2024-03-01T10:00:00Z"}

        """;

    private string Products => $$"""
        {"product_id":"p1","catalog_id":"{{_p}}k1","merchant_id":"{{_p}}m1","title":"Mug","price":"5","availability":"in_stock","link":"https://x.example/p1","last_modified":"2024-03-01T10:00:00Z"}

        """;

    [Fact]
    public async Task Two_files_for_one_entity_fail_the_job_before_anything_is_loaded()
    {
        using var export = Complete().Write("campaigns.ndjson", "");

        await AssertFailsAsync(export, ["campaigns.csv", "campaigns.ndjson", "Keep exactly one"]);
    }

    [Fact]
    public async Task A_file_beside_its_gzip_counterpart_fails_the_job_before_anything_is_loaded()
    {
        using var export = Complete().Write("campaigns.csv.gz", Campaigns);

        await AssertFailsAsync(export, ["campaigns.csv", "campaigns.csv.gz"]);
    }

    [Fact]
    public async Task A_missing_required_column_fails_the_job_not_each_row()
    {
        using var export = Complete().Write("campaign_performance.csv", Performance.Replace(",cost\n", "\n").Replace(",0.5\n", "\n"));

        await AssertFailsAsync(export, ["campaign_performance.csv", "'cost'"]);
    }

    [Fact]
    public async Task A_requested_data_type_with_none_of_its_files_fails_the_job()
    {
        using var export = new ExportDirectory().Write("campaigns.csv", Campaigns).Write("Products.ndjson", Products);

        await AssertFailsAsync(export, ["ProductCatalogData", "products.ndjson", "case-sensitive"]);
    }

    [Fact]
    public async Task A_gz_file_that_is_no_gzip_fails_the_job_before_anything_is_loaded()
    {
        using var export = Complete();
        File.Move(Path.Combine(export.Path, "products.ndjson"), Path.Combine(export.Path, "products.ndjson.gz"));

        await AssertFailsAsync(export, ["products.ndjson.gz", "unreadable gzip"]);
    }

    [Fact]
    public async Task A_truncated_gzip_fails_the_job_and_what_was_read_before_it_is_discarded()
    {
        using var export = Complete();
        File.Delete(Path.Combine(export.Path, "products.ndjson"));
        var many = string.Concat(Enumerable.Range(0, 3000).Select(i => Products.Replace("\"p1\"", $"\"p{i}\"")));
        export.Write("products.ndjson.gz", many);
        var path = Path.Combine(export.Path, "products.ndjson.gz");
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length * 2 / 3)]);

        await AssertFailsAsync(export, ["products.ndjson.gz", "unreadable gzip", "not a complete gzip file"]);
    }

    /// <summary>
    /// An entity file that is a named pipe, or a link to a device, fails the job at once naming it (the read waited on the
    /// pipe for ever, or read /dev/zero for ever at a full core, and no cancel stopped it).
    /// </summary>
    [Fact]
    public async Task A_named_pipe_or_a_device_among_the_files_fails_the_job_naming_it()
    {
        using var pipe = Complete();
        var fifo = Path.Combine(pipe.Path, "campaigns.csv");
        File.Delete(fifo);
        Assert.Equal(0, mkfifo(fifo, 0x180));
        try
        {
            // Refused within a second; were the open to wait on the pipe again, the test fails in 30 s, not 90.
            await AssertFailsAsync(pipe, ["campaigns.csv", "is a named pipe, not a regular file"], TimeSpan.FromSeconds(30));
        }
        finally
        {
            // A reader left waiting in open() (the guard regressed) is let go by a writer's open, so that silo thread is
            // not lost for the rest of the run; with no reader the open fails (ENXIO) and does nothing.
            var fd = open(fifo, 0x1 | 0x800);   // O_WRONLY | O_NONBLOCK
            if (fd >= 0) close(fd);
        }

        using var device = Complete();
        File.Delete(Path.Combine(device.Path, "products.ndjson"));
        File.CreateSymbolicLink(Path.Combine(device.Path, "products.ndjson"), "/dev/zero");
        await AssertFailsAsync(device, ["products.ndjson", "is a character device, not a regular file"]);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int open(string path, int flags);

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int close(int fd);

    [Fact]
    public async Task Unknown_columns_and_keys_are_ignored_with_one_warning_each()
    {
        using var export = new ExportDirectory()
            .Write("campaigns.csv", Campaigns.Replace("last_modified\n", "last_modified,notes,notes, owner \n").Replace("Z\n", "Z,a,b,c\n"))
            .Write("campaign_performance.csv", Performance)
            .Write("catalogs.ndjson", Catalogs.Replace("\"Main\"", "\"Main\",\"legacy\":1,\"legacy\":2"))
            .Write("products.ndjson", Products + Products.Replace("\"p1\"", "\"p2\",\"legacy\":null"));

        var jobId = await _api.SubmitAsync(JobsClient.FileJob(export.Path, [$"{_p}m1"], maxRejectedRatio: 0.5));
        var (job, _) = await _api.WaitForFinalAsync(jobId);

        Assert.Equal("CompletedWithErrors", job["status"]!.GetValue<string>());
        var warnings = (await _api.ReportAsync(jobId))["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        Assert.Equal(
            ["campaigns.csv: 'notes'", "campaigns.csv: 'owner'", "catalogs.ndjson: 'legacy'", "products.ndjson: 'legacy'"],
            warnings.Select(w => $"{w[..w.IndexOf(':')]}: {w[w.IndexOf('\'')..(w.LastIndexOf('\'') + 1)]}").Order(StringComparer.Ordinal));
    }

    private ExportDirectory Complete() => new ExportDirectory()
        .Write("campaigns.csv", Campaigns)
        .Write("campaign_performance.csv", Performance)
        .Write("catalogs.ndjson", Catalogs)
        .Write("products.ndjson", Products);

    private async Task AssertFailsAsync(ExportDirectory export, string[] errorNames, TimeSpan? timeout = null)
    {
        var jobId = await _api.SubmitAsync(JobsClient.FileJob(export.Path));
        var (job, _) = await _api.WaitForFinalAsync(jobId, timeout);

        Assert.Equal("Failed", job["status"]!.GetValue<string>());
        var error = job["error"]!.GetValue<string>();
        Assert.All(errorNames, name => Assert.Contains(name, error));
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("InProgress:Loading", JobsClient.History(job));

        var report = await _api.ReportAsync(jobId);
        Assert.Equal(error, report["error"]!.GetValue<string>());
        Assert.Equal(["campaigns", "campaign_performance", "catalogs", "products"], report["entities"]!.AsObject().Select(e => e.Key));
        Assert.All(report["entities"]!.AsObject(), e => Assert.Equal(
            "0 0 0 0 0 0", string.Join(" ", new[] { "read", "skippedOutOfScope", "rejected", "superseded", "loaded", "verified" }.Select(c => e.Value![c]!.GetValue<long>()))));
        Assert.Empty(await _api.AllRejectionsAsync(jobId));
        Assert.Equal(0, job["progress"]!["recordsRead"]!.GetValue<long>());
        Assert.Equal(0L, await TargetRowsAsync());
    }

    private async Task<long> TargetRowsAsync()
    {
        await using var command = stack.Db.CreateCommand("""
            SELECT (SELECT count(*) FROM campaign_metadata WHERE campaign_id LIKE $1) + (SELECT count(*) FROM catalog_metadata WHERE catalog_id LIKE $1)
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = _p + "%" });
        var pg = (long)(await command.ExecuteScalarAsync())!;
        var dynamo = await stack.Dynamo.ScanAsync(new Amazon.DynamoDBv2.Model.ScanRequest
        {
            TableName = "ProductFeeds",
            FilterExpression = "begins_with(CatalogId, :p)",
            ExpressionAttributeValues = new() { [":p"] = new Amazon.DynamoDBv2.Model.AttributeValue { S = _p } },
        });
        return pg + (dynamo.Items?.Count ?? 0);
    }
}
