using AdManager.Grains.Pipeline.Transform;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Jobs;

/// <summary>
/// Values at the far edges of the contract, through a job into the targets. Rule 5 compares last_modified as instants,
/// whatever the fraction's length: digits beyond the 7th (which neither .NET's 100 ns ticks nor PostgreSQL's microseconds
/// hold) still decide which duplicate wins, and a fraction that differs only by trailing zeros is the same instant, so the
/// later line wins; for every entity that has last_modified. targeting_json nested as deep as the reader accepts is stored.
/// The first and last dates and instants the spec's formats can express are stored as themselves.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class ContractEdgeTests(TestStack stack)
{
    [Fact]
    public async Task Fraction_digits_beyond_100_ns_decide_which_duplicate_is_loaded_and_deep_targeting_is_stored()
    {
        var p = "lm" + Guid.NewGuid().ToString("N")[..8] + "-";
        using var export = new ExportDirectory()
            .Write("campaigns.csv", $"""
                campaign_id,merchant_id,campaign_name,status,daily_budget,currency,start_date,last_modified,targeting_json
                {p}c1,{p}m,later by 10 ns,active,1,USD,2024-03-01,2024-03-01T12:00:00.00000002Z,
                {p}c1,{p}m,earlier,active,1,USD,2024-03-01,2024-03-01T12:00:00.00000001Z,
                {p}c2,{p}m,same instant,active,1,USD,2024-03-01,2024-03-01T12:00:00.000000010Z,
                {p}c2,{p}m,same instant later line,active,1,USD,2024-03-01,2024-03-01T14:00:00.00000001+02:00,
                {p}c3,{p}m,later by 1e-10 s,active,1,USD,2024-03-01,2024-03-01T12:00:00.1234567891Z,
                {p}c3,{p}m,earlier,active,1,USD,2024-03-01,2024-03-01T12:00:00.123456789Z,
                {p}c4,{p}m,deep,active,1,USD,2024-03-01,2024-03-01T12:00:00Z,"{Deep.Replace("\"", "\"\"")}"

                """)
            .Write("catalogs.csv", $"""
                catalog_id,merchant_id,catalog_name,country,default_currency,last_modified
                {p}k1,{p}m,earlier,DE,EUR,2024-03-01T12:00:00.12345670001Z
                {p}k1,{p}m,later by 1e-11 s,DE,EUR,2024-03-01T12:00:00.12345670002Z

                """)
            .Write("products.csv", $"""
                product_id,catalog_id,merchant_id,title,price,availability,link,last_modified
                p1,{p}k1,{p}m,later by 90 ns,1,in_stock,https://shop.example/p1,2024-03-01T12:00:00.000000099Z
                p1,{p}k1,{p}m,earlier,1,in_stock,https://shop.example/p1,2024-03-01T12:00:00.0000000099Z

                """);
        await using var host = new MigrationHost(stack, "precision-" + p);
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(JobsClient.FileJob(export.Path));
        var (job, _) = await api.WaitForFinalAsync(jobId);

        Assert.Equal("Completed", job["status"]!.GetValue<string>());
        var report = await api.ReportAsync(jobId);
        Assert.Equal(3, report["entities"]!["campaigns"]!["superseded"]!.GetValue<long>());
        Assert.Equal(1, report["entities"]!["catalogs"]!["superseded"]!.GetValue<long>());
        Assert.Equal(1, report["entities"]!["products"]!["superseded"]!.GetValue<long>());
        var stored = await TargetContents.ReadAsync(stack, jobId);
        Assert.Equal(["later by 10 ns", "same instant later line", "later by 1e-10 s", "deep"], stored.Campaigns.Select(c => c.Name));
        Assert.Equal(1, await stack.Db.CountAsync("SELECT count(*) FROM campaign_metadata WHERE campaign_id = $1 AND targeting = $2::jsonb", p + "c4", Deep));
        Assert.Equal("later by 1e-11 s", Assert.Single(stored.Catalogs).Name);
        Assert.Equal("later by 90 ns", Assert.Single(stored.Products).Title);
    }

    [Fact]
    public async Task The_first_and_last_dates_and_instants_are_stored_as_themselves()
    {
        var p = "ends" + Guid.NewGuid().ToString("N")[..8] + "-";
        using var export = new ExportDirectory()
            .Write("campaigns.csv", $"""
                campaign_id,merchant_id,campaign_name,status,daily_budget,currency,start_date,end_date,last_modified
                {p}c1,{p}m,first and last,active,1,USD,0001-01-01,9999-12-31,9999-12-31T23:59:59.9999999Z
                {p}c2,{p}m,first instant,active,1,USD,00010101,99991231,0001-01-01T00:00:00Z

                """)
            .Write("catalogs.csv", $"""
                catalog_id,merchant_id,catalog_name,country,default_currency,last_modified
                {p}k1,{p}m,first,DE,EUR,0001-01-01T00:00:00Z
                {p}k2,{p}m,last,DE,EUR,9999-12-31T23:59:59.99999999999Z

                """);
        await using var host = new MigrationHost(stack, "ends-" + p);
        var api = new JobsClient(host.CreateClient());

        var jobId = await api.SubmitAsync(JobsClient.FileJob(export.Path));
        var (job, _) = await api.WaitForFinalAsync(jobId);

        Assert.Equal("Completed", job["status"]!.GetValue<string>());
        // Compared as PostgreSQL values: Npgsql would read an infinity back as .NET's MinValue or MaxValue and hide it.
        Assert.Equal(2, await stack.Db.CountAsync("""
            SELECT count(*) FROM campaign_metadata WHERE migration_job_id = $1 AND start_date = DATE '0001-01-01' AND end_date = DATE '9999-12-31'
              AND source_modified_at IN (TIMESTAMPTZ '9999-12-31 23:59:59.999999+00', TIMESTAMPTZ '0001-01-01 00:00:00+00')
            """, jobId));
        Assert.Equal(2, await stack.Db.CountAsync("""
            SELECT count(*) FROM catalog_metadata WHERE migration_job_id = $1
              AND source_modified_at IN (TIMESTAMPTZ '9999-12-31 23:59:59.999999+00', TIMESTAMPTZ '0001-01-01 00:00:00+00')
            """, jobId));
    }

    private static readonly string Deep = string.Concat(Enumerable.Repeat("{\"a\":", Formats.MaxJsonDepth)) + "1" + new string('}', Formats.MaxJsonDepth);
}
