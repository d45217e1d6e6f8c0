using System.Text.Json.Nodes;
using AdManager.IntegrationTests.Infrastructure;
using Amazon.DynamoDBv2.Model;

namespace AdManager.IntegrationTests.Jobs;

/// <summary>A whole job from the HTTP POST to the report, against real PostgreSQL and dynalite.</summary>
[Collection(StackCollection.Name)]
public sealed class MigrationJobEndToEndTests(TestStack stack) : IDisposable
{
    private readonly EndToEndExport _export = new();

    public void Dispose() => _export.Dispose();

    [Fact]
    public async Task Job_runs_every_phase_and_stores_exactly_the_loaded_records()
    {
        await using var host = new MigrationHost(stack, "e2e-" + _export.P);
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(_export.Request(batchSize: 1));
        var (job, _) = await api.WaitForFinalAsync(jobId);

        Assert.Equal("CompletedWithErrors", job["status"]!.GetValue<string>());
        Assert.Equal(
            ["Submitted", "InProgress:Extracting", "InProgress:Transforming", "InProgress:Loading", "InProgress:Validating", "CompletedWithErrors"],
            JobsClient.History(job));
        Assert.Equal($"/admin/data-migration/jobs/{jobId}/report", job["validationReportUrl"]!.GetValue<string>());
        Assert.Equal(100, job["progress"]!["percent"]!.GetValue<double>());

        var report = await api.ReportAsync(jobId);
        Assert.False(report["nothingWritten"]!.GetValue<bool>());
        AssertCampaignCounts(report);
        AssertCounts(report, "campaign_performance", read: 7, skipped: 0, rejected: 4, superseded: 1, loaded: 2,
            ("invalid_value:clicks", 1), ("orphan:campaign_id", 2), ("invalid_value:merchant_id", 1));
        AssertCounts(report, "catalogs", read: 4, skipped: 0, rejected: 1, superseded: 1, loaded: 2, ("missing_field:catalog_name", 1));
        AssertProductCounts(report);
        Assert.Equal(
            [$"campaigns.csv: unknown column 'notes' ignored", "catalogs.ndjson: unknown key 'legacy' ignored", "products.ndjson.gz: unknown key 'legacy_flag' ignored"],
            report["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.True(report["validation"]!["passed"]!.GetValue<bool>());
        Assert.All(report["validation"]!["checks"]!.AsArray(), c =>
        {
            Assert.Equal(c!["expected"]!.GetValue<long>(), c["found"]!.GetValue<long>());
            Assert.True(c["checksumMatch"]!.GetValue<bool>());
        });

        // The log tells the same story per entity: what reading rejected (orphans and merchant mismatches are found
        // later), then in all.
        var lines = host.Logs.Records.Where(r => r.Scopes.GetValueOrDefault("JobId") == jobId.ToString()).ToList();
        Assert.Contains(lines, r => r.EventId == 1004 && r.Message.EndsWith("campaign_performance: 7 read, 1 rejected while reading, 0 out of scope", StringComparison.Ordinal));
        foreach (var entity in new[] { "campaigns", "campaign_performance", "catalogs", "products" })
        {
            var e = report["entities"]![entity]!;
            var expected = $"entity {entity}: {e["rejected"]} rejected in all, {e["superseded"]} superseded, {e["loaded"]} to load in {e["loaded"]} batches";
            Assert.Contains(lines, r => r.EventId == 1019 && r.Message.EndsWith(expected, StringComparison.Ordinal));
        }

        await AssertCampaignRowsAsync(jobId);
        await AssertCatalogRowsAsync(jobId);
        await AssertPerformanceItemsAsync(jobId);
        await AssertProductItemsAsync(jobId);

        var p = _export.P;
        Assert.Equal(
            [
                $"campaigns 4 {p}c3 invalid_value:currency", $"campaigns 9 {p}c6 invalid_encoding", "campaigns 10 - malformed_row",
                $"campaign_performance 4 {p}c2/2024-03-01 invalid_value:clicks", $"campaign_performance 5 {p}c9/2024-03-01 orphan:campaign_id",
                $"campaign_performance 6 {p}c3/2024-03-01 orphan:campaign_id", $"campaign_performance 7 {p}c2/2024-03-02 invalid_value:merchant_id",
                $"catalogs 5 {p}k3 missing_field:catalog_name",
                "products 3 p3 invalid_value:gtin", "products 4 - malformed_row", "products 5 p4 orphan:catalog_id", "products 9 p7 invalid_encoding",
            ],
            (await api.AllRejectionsAsync(jobId)).Select(r => $"{r["entity"]} {r["line"]} {r["key"]?.GetValue<string>() ?? "-"} {r["reason"]}"));
        var gtin = Assert.Single(await api.AllRejectionsAsync(jobId, "&entity=products&reason=invalid_value:gtin"));
        Assert.Equal("check digit 2, expected 1", gtin["detail"]!.GetValue<string>());
        var encoding = Assert.Single(await api.AllRejectionsAsync(jobId, "&entity=campaigns&reason=invalid_encoding"));
        Assert.EndsWith("in column 'campaign_name'", encoding["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Job_survives_a_silo_restart_right_after_the_202()
    {
        var serviceId = "restart-" + _export.P;
        Guid jobId;
        await using (var first = new MigrationHost(stack, serviceId))
        {
            jobId = await new JobsClient(first.CreateClient()).SubmitAsync(_export.Request());
        }

        // A new silo process over the same stores: the start event and the job state were durable.
        await using var second = new MigrationHost(stack, serviceId);
        var api = new JobsClient(second.CreateClient());
        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(120));

        Assert.Equal("CompletedWithErrors", job["status"]!.GetValue<string>());
        var report = await api.ReportAsync(jobId);
        AssertProductCounts(report);
        await AssertCampaignRowsAsync(jobId);
        await AssertProductItemsAsync(jobId);
    }

    [Fact]
    public async Task Dry_run_reports_what_would_be_loaded_and_writes_nothing()
    {
        await using var host = new MigrationHost(stack, "dry-" + _export.P);
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(_export.Request(dryRun: true));
        var (job, _) = await api.WaitForFinalAsync(jobId);

        Assert.Equal("CompletedWithErrors", job["status"]!.GetValue<string>());
        // Its progress counts what would be loaded, batches too: not "0 of N batches" at 100%.
        var progress = job["progress"]!;
        Assert.True(progress["batchesTotal"]!.GetValue<int>() > 0);
        Assert.Equal(progress["batchesTotal"]!.GetValue<int>(), progress["batchesCompleted"]!.GetValue<int>());
        var report = await api.ReportAsync(jobId);
        Assert.True(report["dryRun"]!.GetValue<bool>());
        AssertCampaignCounts(report);
        Assert.Equal(3, report["entities"]!["campaigns"]!["verified"]!.GetValue<long>());
        Assert.Equal(0L, await stack.Db.CountAsync("SELECT count(*) FROM campaign_metadata WHERE campaign_id LIKE $1", _export.P + "%"));
        Assert.Equal(0L, await stack.Db.CountAsync("SELECT count(*) FROM catalog_metadata WHERE catalog_id LIKE $1", _export.P + "%"));
        Assert.Empty(await Targets.ProductItemsAsync(stack, _export.P));
    }

    [Fact]
    public async Task Rejections_over_the_threshold_fail_the_job_before_anything_is_written()
    {
        await using var host = new MigrationHost(stack, "thr-" + _export.P);
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(_export.Request(maxRejectedRatio: 0.2));
        var (job, _) = await api.WaitForFinalAsync(jobId);

        Assert.Equal("Failed", job["status"]!.GetValue<string>());
        Assert.Contains("maxRejectedRatio", job["error"]!.GetValue<string>());
        Assert.Equal(["Submitted", "InProgress:Extracting", "InProgress:Transforming", "Failed"], JobsClient.History(job));
        Assert.Equal(0L, await stack.Db.CountAsync("SELECT count(*) FROM campaign_metadata WHERE campaign_id LIKE $1", _export.P + "%"));
        Assert.Empty(await Targets.ProductItemsAsync(stack, _export.P));
        var report = await api.ReportAsync(jobId);
        Assert.Equal(12, report["entities"]!.AsObject().Sum(e => e.Value!["rejected"]!.GetValue<long>()));
        // Every record's outcome is still told: loaded counts what would have been loaded, nothing is verified.
        foreach (var (name, e) in report["entities"]!.AsObject())
        {
            long L(string field) => e![field]!.GetValue<long>();
            Assert.True(L("read") == L("skippedOutOfScope") + L("rejected") + L("superseded") + L("loaded"), $"{name}: {e}");
            Assert.Equal(0, L("verified"));
        }
        Assert.True(report["entities"]!["campaigns"]!["loaded"]!.GetValue<long>() > 0);
        // ... and the report says none of it was written; the job's progress shows nothing loaded, and how far it got.
        Assert.True(report["nothingWritten"]!.GetValue<bool>());
        Assert.Equal(0, job["progress"]!["recordsLoaded"]!.GetValue<long>());
        var percent = job["progress"]!["percent"]!.GetValue<double>();
        Assert.InRange(percent, 1, 99);
    }

    [Fact]
    public async Task Running_the_same_export_again_leaves_the_same_rows_with_the_newer_job_id()
    {
        await using var host = new MigrationHost(stack, "rerun-" + _export.P);
        var api = new JobsClient(host.CreateClient());

        var first = await api.SubmitAsync(_export.Request());
        await api.WaitForFinalAsync(first);
        var second = await api.SubmitAsync(_export.Request(batchSize: 1));
        var (job, _) = await api.WaitForFinalAsync(second);

        Assert.Equal("CompletedWithErrors", job["status"]!.GetValue<string>());
        await AssertCampaignRowsAsync(second);
        await AssertCatalogRowsAsync(second);
        await AssertPerformanceItemsAsync(second);
        await AssertProductItemsAsync(second);
        var report = await api.ReportAsync(second);
        AssertCampaignCounts(report);
    }

    [Fact]
    public async Task A_job_stores_its_state_at_status_changes_and_checkpoints_only_and_leaves_no_stream_rendezvous_behind()
    {
        await using var host = new MigrationHost(stack, "writes-" + _export.P);
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(_export.Request());
        var (job, _) = await api.WaitForFinalAsync(jobId);

        Assert.Equal("CompletedWithErrors", job["status"]!.GetValue<string>());
        // Each write of a grain's state adds one to its stored version. Six status changes (Submitted to the final one);
        // four files, each staged file a checkpoint once the next is read; four loader calls (one batch per entity), each
        // a checkpoint once another completes: the last file and the last call are stored with the status that follows.
        // The resolved counts and the load's timestamp travel with the moves to Loading.
        var history = JobsClient.History(job);
        Assert.Equal(6, history.Count);
        Assert.Equal(history.Count + 3 + 3, await stack.Db.CountAsync(
            "SELECT max(version)::bigint FROM orleansstorage WHERE serviceid = $1 AND graintypestring = 'job'", host.ServiceId));
        // The job stream's only consumer is the job grain's implicit subscription: no rendezvous grain is stored per job.
        Assert.Equal(0, await stack.Db.CountAsync(
            "SELECT count(*) FROM orleansstorage WHERE serviceid = $1 AND graintypestring = 'PubSubRendezvousGrain'", host.ServiceId));
        await AssertCampaignRowsAsync(jobId);
        await AssertProductItemsAsync(jobId);
    }

    [Fact]
    public async Task A_missing_export_directory_fails_the_job_with_a_clear_error()
    {
        await using var host = new MigrationHost(stack, "missing-" + _export.P);
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(JobsClient.FileJob(_export.Directory.Path + "-does-not-exist"));
        var (job, _) = await api.WaitForFinalAsync(jobId);

        Assert.Equal("Failed", job["status"]!.GetValue<string>());
        Assert.Contains("does not exist", job["error"]!.GetValue<string>());
        var report = await api.ReportAsync(jobId);
        Assert.Equal(["campaigns", "campaign_performance", "catalogs", "products"], report["entities"]!.AsObject().Select(e => e.Key));
    }

    private static void AssertCampaignCounts(JsonNode report) =>
        AssertCounts(report, "campaigns", read: 8, skipped: 1, rejected: 3, superseded: 1, loaded: 3,
            ("invalid_value:currency", 1), ("invalid_encoding", 1), ("malformed_row", 1));

    private static void AssertProductCounts(JsonNode report) =>
        AssertCounts(report, "products", read: 9, skipped: 1, rejected: 4, superseded: 1, loaded: 3,
            ("invalid_value:gtin", 1), ("malformed_row", 1), ("orphan:catalog_id", 1), ("invalid_encoding", 1));

    private static void AssertCounts(JsonNode report, string entity, long read, long skipped, long rejected, long superseded, long loaded,
        params (string Reason, long Count)[] reasons)
    {
        var e = report["entities"]![entity]!;
        Assert.Equal(
            new { read, skipped, rejected, superseded, loaded },
            new
            {
                read = e["read"]!.GetValue<long>(),
                skipped = e["skippedOutOfScope"]!.GetValue<long>(),
                rejected = e["rejected"]!.GetValue<long>(),
                superseded = e["superseded"]!.GetValue<long>(),
                loaded = e["loaded"]!.GetValue<long>(),
            });
        var byReason = e["rejectedByReason"]!.AsObject().ToDictionary(x => x.Key, x => x.Value!.GetValue<long>());
        Assert.Equal(reasons.ToDictionary(r => r.Reason, r => r.Count), byReason);
    }

    private async Task AssertCampaignRowsAsync(Guid jobId)
    {
        var rows = await RowsAsync("""
            SELECT campaign_id, merchant_id, name, status, daily_budget_micros, currency, start_date::text, coalesce(end_date::text, '-'),
                   targeting::text, to_char(source_modified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'), migration_job_id::text
            FROM campaign_metadata WHERE campaign_id LIKE $1 ORDER BY campaign_id
            """);
        var p = _export.P;
        Assert.Equal(
            [
                [$"{p}c1", $"{p}m1", "Summer v2", "active", "13000000", "USD", "2024-03-01", "-", "{}", "2024-03-02T08:00:00", jobId.ToString()],
                [$"{p}c2", $"{p}m1", "Name, with comma", "paused", "100000000", "EUR", "2024-03-01", "2024-04-01", "{\"geo\": \"US\"}", "2024-03-01T09:00:00", jobId.ToString()],
                [$"{p}c5", $"{p}m1", "Multi\r\nline \"quoted\"", "draft", "1", "XTS", "2024-03-01", "2024-03-01", "{}", "2024-03-01T08:00:00", jobId.ToString()],
            ],
            rows);
    }

    private async Task AssertCatalogRowsAsync(Guid jobId)
    {
        var rows = await RowsAsync("""
            SELECT catalog_id, merchant_id, name, country, default_currency, product_count, migration_job_id::text
            FROM catalog_metadata WHERE catalog_id LIKE $1 ORDER BY catalog_id
            """);
        var p = _export.P;
        Assert.Equal(
            [
                [$"{p}k1", $"{p}m2", "Caf\u00e9", "FR", "EUR", "3", jobId.ToString()],
                [$"{p}k2", $"{p}m2", "Empty v2", "DE", "EUR", "0", jobId.ToString()],
            ],
            rows);
    }

    private async Task AssertPerformanceItemsAsync(Guid jobId)
    {
        var items = (await Targets.PerformanceItemsAsync(stack, _export.P)).Select(Flatten).OrderBy(i => i).ToList();
        var p = _export.P;
        Assert.Equal(
            [
                $"CampaignId={p}c1|Clicks=20|Conversions=3|CostMicros=2500000|Date=2024-03-01|Impressions=200|MerchantId={p}m1|MigrationJobId={jobId}",
                $"CampaignId={p}c2|Clicks=1|Conversions=1|CostMicros=250000|Date=2024-03-02|Impressions=5|MerchantId={p}m1|MigrationJobId={jobId}",
            ],
            items);
    }

    private async Task AssertProductItemsAsync(Guid jobId)
    {
        var items = (await Targets.ProductItemsAsync(stack, _export.P)).Select(Flatten).OrderBy(i => i).ToList();
        var p = _export.P;
        Assert.Equal(
            [
                $"Availability=in_stock|CatalogId={p}k1|Currency=EUR|Gtin=4006381333931|Link=https://shop.example/p1|MerchantId={p}m2|MigrationJobId={jobId}|PriceMicros=12500000|ProductId=p1|SourceModifiedAt=2024-03-01T00:00:00Z|Title=Mug",
                $"Availability=out_of_stock|CatalogId={p}k1|Currency=EUR|Description=Tab\tseparated|Link=HTTP://Shop.Example:8080/p5|MerchantId={p}m2|MigrationJobId={jobId}|PriceMicros=990000|ProductId=p5|SalePriceMicros=990000|SourceModifiedAt=2024-03-01T10:00:00.1234567Z|Title=Caf\u00e9 mug",
                $"Availability=preorder|CatalogId={p}k1|Currency=USD|Description=Soft|ImageLink=https://img.example/p2.png|Link=https://shop.example/p2|MerchantId={p}m2|MigrationJobId={jobId}|PriceMicros=20000000|ProductId=p2|SalePriceMicros=15000000|SourceModifiedAt=2024-03-01T00:00:00Z|Title=Tee",
            ],
            items);
    }

    /// <summary>An item as sorted name=value pairs, without MigratedAt (a time the test cannot know).</summary>
    private static string Flatten(Dictionary<string, AttributeValue> item) => string.Join("|", item
        .Where(a => a.Key != "MigratedAt")
        .OrderBy(a => a.Key, StringComparer.Ordinal)
        .Select(a => $"{a.Key}={a.Value.S ?? a.Value.N}"));

    private async Task<List<string[]>> RowsAsync(string sql)
    {
        await using var command = stack.Db.CreateCommand(sql);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = _export.P + "%" });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!).ToArray());
        }
        return rows;
    }
}
