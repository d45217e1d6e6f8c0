using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Sources;

/// <summary>Legacy tables as a real legacy database has them: natural keys, extra columns, typed columns, views, gaps.</summary>
[Collection(StackCollection.Name)]
public sealed class PostgresTableShapeTests(TestStack stack, LegacyDatabase db) : IClassFixture<LegacyDatabase>
{
    [Fact]
    public async Task Rows_are_numbered_in_primary_key_order_nulls_are_empty_and_extra_columns_are_warned()
    {
        var p = "h" + Guid.NewGuid().ToString("N")[..10] + "-";
        var schema = await db.CreateSchemaAsync(
            """
            CREATE TABLE {s}.campaigns (campaign_id text PRIMARY KEY, merchant_id text, campaign_name text, status text,
                daily_budget numeric(12,2), currency char(3), start_date date, end_date date, targeting_json jsonb,
                last_modified text, legacy_notes text, owner_id int)
            """,
            // Inserted out of key order: the key order, not the physical one, numbers the rows.
            $"""
            INSERT INTO {"{s}"}.campaigns VALUES
                ('{p}c3', 'm1', 'Bad currency', 'active', 1, 'XYZ', '2024-03-01', NULL, NULL, '2024-03-01T00:00:00Z', 'n', 1),
                ('{p}c1', 'm1', 'Summer', 'active', 12.50, 'usd', '2024-03-01', NULL, '{"{"}"geo": "US"{"}"}', '2024-03-01T00:00:00Z', NULL, NULL),
                ('{p}c2', 'm1', 'Odd status', 'bogus', 1, 'USD', '2024-03-01', NULL, NULL, '2024-03-01T00:00:00Z', NULL, NULL),
                ('{p}c0', NULL, 'No merchant', 'active', 1, 'USD', '2024-03-01', NULL, NULL, '2024-03-01T00:00:00Z', NULL, NULL)
            """,
            // A view has no primary key: rows are numbered by their values (and the report says so).
            "CREATE TABLE {s}.performance_base (campaign_id text, merchant_id text, day date, impressions bigint, clicks int, cost numeric)",
            $"INSERT INTO {"{s}"}.performance_base VALUES ('{p}c1', 'm1', '2024-03-02', 10, 11, 1), ('{p}c1', 'm1', '2024-03-01', 10, 1, 0.5)",
            """
            CREATE VIEW {s}.campaign_performance AS
                SELECT campaign_id, merchant_id, day AS date, impressions, clicks, cost FROM {s}.performance_base
            """,
            // A data type with one of its two tables: the other is an entity with zero rows, like an absent file.
            "CREATE TABLE {s}.catalogs (catalog_id text PRIMARY KEY, merchant_id text, catalog_name text, country text, default_currency text, last_modified text)",
            $"INSERT INTO {"{s}"}.catalogs VALUES ('{p}k1', 'm1', 'Shop', 'de', 'eur', '2024-03-01 00:00:00')");
        await using var host = new MigrationHost(stack, "shape-" + p, new Dictionary<string, string?> { ["Secrets:legacydb"] = db.ReaderConnectionString });
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(SourceParityExport.PostgresJob("legacydb", schema));
        var (job, _) = await api.WaitForFinalAsync(jobId);

        Assert.Equal("CompletedWithErrors", job["status"]!.GetValue<string>());
        var report = await api.ReportAsync(jobId);
        Assert.Equal(
            [
                $"{schema}.campaigns: unknown column 'legacy_notes' ignored",
                $"{schema}.campaigns: unknown column 'owner_id' ignored",
                $"{schema}.campaign_performance: no primary key; rows are numbered in the order of their values",
            ],
            report["warnings"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Equal(0, report["entities"]!["products"]!["read"]!.GetValue<long>());
        Assert.Equal(1, report["entities"]!["catalogs"]!["loaded"]!.GetValue<long>());

        var rejections = (await api.AllRejectionsAsync(jobId)).Select(r => $"{r["entity"]} {r["line"]} {r["key"]} {r["reason"]}");
        Assert.Equal(
            [
                $"campaigns 1 {p}c0 missing_field:merchant_id",
                $"campaigns 3 {p}c2 invalid_value:status",
                $"campaigns 4 {p}c3 invalid_value:currency",
                $"campaign_performance 2 {p}c1/2024-03-02 invalid_value:clicks",
            ],
            rejections);

        var rows = await TargetSnapshot.ReadAsync(stack, p);
        Assert.Contains(rows.Rows, r => r.StartsWith("campaign_metadata ", StringComparison.Ordinal)
            && r.Contains("\"daily_budget_micros\": 12500000") && r.Contains("\"targeting\": {\"geo\": \"US\"}") && r.Contains("\"end_date\": null"));
        Assert.Contains($"CampaignPerformanceLogs CampaignId={p}c1|Clicks=1|Conversions=0|CostMicros=500000|Date=2024-03-01|Impressions=10|MerchantId=m1", rows.Rows);
    }

    [Fact]
    public async Task A_date_column_s_BC_and_infinite_dates_are_invalid_values_not_other_dates()
    {
        var p = "d" + Guid.NewGuid().ToString("N")[..10] + "-";
        var schema = await db.CreateSchemaAsync(
            """
            CREATE TABLE {s}.campaigns (campaign_id text PRIMARY KEY, merchant_id text, campaign_name text, status text,
                daily_budget text, currency text, start_date date, end_date date, targeting_json text, last_modified text)
            """,
            $"""
            INSERT INTO {"{s}"}.campaigns VALUES
                ('{p}c1', 'm1', 'Caesar', 'active', '1', 'USD', '0044-03-15 BC', NULL, NULL, '2024-03-01T00:00:00Z'),
                ('{p}c2', 'm1', 'Open', 'active', '1', 'USD', '2024-03-01', 'infinity', NULL, '2024-03-01T00:00:00Z'),
                ('{p}c3', 'm1', 'Far', 'active', '1', 'USD', '0001-01-01', '9999-12-31', NULL, '2024-03-01T00:00:00Z')
            """);
        await using var host = new MigrationHost(stack, "dates-" + p, new Dictionary<string, string?> { ["Secrets:legacydb"] = db.ReaderConnectionString });
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(SourceParityExport.PostgresJob("legacydb", schema, dataTypes: ["CampaignData"]));
        var (job, _) = await api.WaitForFinalAsync(jobId);

        Assert.Equal("CompletedWithErrors", job["status"]!.GetValue<string>());
        var rejections = await api.AllRejectionsAsync(jobId);
        Assert.Equal([$"{p}c1 invalid_value:start_date", $"{p}c2 invalid_value:end_date"], rejections.Select(r => $"{r["key"]} {r["reason"]}"));
        Assert.Contains("0044-03-15 BC", rejections[0]["detail"]!.GetValue<string>());
        Assert.Contains("infinity", rejections[1]["detail"]!.GetValue<string>());
        // The calendar's own ends are dates like any other.
        Assert.Contains("\"end_date\": \"9999-12-31\"", Assert.Single((await TargetSnapshot.ReadAsync(stack, p)).Rows));
    }

    [Fact]
    public async Task A_value_that_is_not_utf8_in_a_sql_ascii_database_is_invalid_encoding_as_in_a_file()
    {
        await using var ascii = LegacyDatabase.WithEncoding("SQL_ASCII");
        await ascii.InitializeAsync();
        var p = "e" + Guid.NewGuid().ToString("N")[..10] + "-";
        var schema = await ascii.CreateSchemaAsync(
            "CREATE TABLE {s}.catalogs (id int PRIMARY KEY, catalog_id text, merchant_id text, catalog_name text, country text, default_currency text, last_modified text)",
            $"""
            INSERT INTO {"{s}"}.catalogs VALUES
                (1, '{p}k1', 'm1', convert_from('\x436166c3a9'::bytea, 'SQL_ASCII'), 'FR', 'EUR', '2024-03-01T00:00:00Z'),
                (2, '{p}k2', 'm1', convert_from('\x436166e9'::bytea, 'SQL_ASCII'), 'FR', 'EUR', '2024-03-01T00:00:00Z')
            """);
        // The secret comes from a mounted secrets directory this time.
        var secrets = Directory.CreateTempSubdirectory("admanager-secrets-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(secrets.FullName, "asciidb"), ascii.ReaderConnectionString + "\n");
            await using var host = new MigrationHost(stack, "ascii-" + p, new Dictionary<string, string?> { ["SecretStore:Directory"] = secrets.FullName });
            var api = new JobsClient(host.CreateClient());

            var jobId = await api.SubmitAsync(SourceParityExport.PostgresJob("asciidb", schema, dataTypes: ["ProductCatalogData"]));
            var (job, _) = await api.WaitForFinalAsync(jobId);

            Assert.Equal("CompletedWithErrors", job["status"]!.GetValue<string>());
            var rejection = Assert.Single(await api.AllRejectionsAsync(jobId));
            // Named as a file's would be: the row's key (its own bytes are UTF-8), the column and the byte.
            Assert.Equal($"catalogs 2 {p}k2 invalid_encoding", $"{rejection["entity"]} {rejection["line"]} {rejection["key"]} {rejection["reason"]}");
            Assert.Equal("the record's bytes are not valid UTF-8: byte 0xE9 at offset 3 of the value in column 'catalog_name'", rejection["detail"]!.GetValue<string>());
            Assert.Contains("catalog_metadata ", Assert.Single((await TargetSnapshot.ReadAsync(stack, p)).Rows));
            Assert.Contains("\"name\": \"Caf\u00e9\"", Assert.Single((await TargetSnapshot.ReadAsync(stack, p)).Rows));
        }
        finally
        {
            secrets.Delete(recursive: true);
        }
    }
}
