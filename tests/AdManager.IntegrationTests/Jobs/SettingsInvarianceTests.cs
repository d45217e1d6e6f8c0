using AdManager.Benchmarks.Export;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Jobs;

/// <summary>
/// Batch size and concurrency are tuning only: the same export gives the same report, the same rejections
/// and the same target contents whatever they are set to. The export comes from the bench's generator
/// (every entity, field rejections, orphans, superseding duplicates).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class SettingsInvarianceTests(TestStack stack) : IDisposable
{
    private readonly string _prefix = "s" + Guid.NewGuid().ToString("N")[..8] + "-";
    private readonly ExportDirectory _export = new();

    public void Dispose() => _export.Dispose();

    [Fact]
    public async Task The_same_export_gives_the_same_report_and_targets_at_any_batch_size_and_concurrency()
    {
        var shape = new ExportShape(_prefix, Campaigns: 400, Performance: 300, Products: 1_500, RejectPerMille: 20, SupersedePerMille: 30);
        ExportWriter.Write(_export.Path, new ExportRows(5, shape));
        var serial = new Dictionary<string, string?>
        {
            ["Jobs:LoadConcurrency"] = "1",
            ["Jobs:MergeConcurrency"] = "1",
            ["DynamoDb:RequestConcurrency"] = "1",
            ["Stores:DynamoMaxConcurrency"] = "1",
            ["Stores:PostgresWriteConcurrency"] = "1",
        };
        var wide = new Dictionary<string, string?>
        {
            ["Jobs:LoadConcurrency"] = "16",
            ["Jobs:MergeConcurrency"] = "16",
            ["DynamoDb:RequestConcurrency"] = "32",
            ["Stores:DynamoMaxConcurrency"] = "64",
        };

        var outcomes = new List<(string Setting, Outcome Outcome)>();
        await using (var host = new MigrationHost(stack, "inv1-" + _prefix, serial))
        {
            var api = new JobsClient(host.CreateClient());
            outcomes.Add(("serial, batch 7", await RunAsync(api, batchSize: 7)));
            outcomes.Add(("serial, batch 10000", await RunAsync(api, batchSize: 10_000)));
        }
        await using (var host = new MigrationHost(stack, "inv2-" + _prefix, wide))
        {
            var api = new JobsClient(host.CreateClient());
            outcomes.Add(("wide, batch 2", await RunAsync(api, batchSize: 2)));
            outcomes.Add(("wide, batch 333", await RunAsync(api, batchSize: 333)));
        }

        var expected = outcomes[0].Outcome;
        Assert.Equal("CompletedWithErrors", expected.Status);
        Assert.Contains("superseded\":", expected.Entities);
        Assert.Contains("orphan:campaign_id", expected.Entities);
        foreach (var (setting, outcome) in outcomes.Skip(1))
        {
            Assert.True(expected.Status == outcome.Status, $"{setting}: status {outcome.Status}");
            Assert.True(expected.Entities == outcome.Entities, $"{setting}: entities differ:\n{expected.Entities}\n{outcome.Entities}");
            Assert.True(expected.Validation == outcome.Validation, $"{setting}: validation differs:\n{expected.Validation}\n{outcome.Validation}");
            Assert.True(expected.Rejections.SequenceEqual(outcome.Rejections), $"{setting}: rejections differ");
            Assert.True(expected.Targets.SequenceEqual(outcome.Targets), $"{setting}: target contents differ");
        }
    }

    private sealed record Outcome(string Status, string Entities, string Validation, List<string> Rejections, List<string> Targets);

    private async Task<Outcome> RunAsync(JobsClient api, int batchSize)
    {
        var jobId = await api.SubmitAsync(JobsClient.FileJob(_export.Path, batchSize: batchSize, maxRejectedRatio: 0.5));
        var (job, _) = await api.WaitForFinalAsync(jobId, TimeSpan.FromSeconds(240));
        var report = await api.ReportAsync(jobId);
        var rejections = (await api.AllRejectionsAsync(jobId)).Select(r => r.ToJsonString()).ToList();
        var targets = await TargetsAsync(jobId);
        var validation = report["validation"]!.DeepClone();
        return new Outcome(job["status"]!.GetValue<string>(), report["entities"]!.ToJsonString(), validation.ToJsonString(), rejections, targets);
    }

    /// <summary>Every stored value of the prefix's rows and items, minus who wrote them and when; each must carry this job's id.</summary>
    private async Task<List<string>> TargetsAsync(Guid jobId)
    {
        var rows = new List<string>();
        foreach (var (table, key) in new[] { ("campaign_metadata", "campaign_id"), ("catalog_metadata", "catalog_id") })
        {
            await using var command = stack.Db.CreateCommand($"""
                SELECT (to_jsonb(t) - 'migration_job_id' - 'migrated_at')::text, t.migration_job_id
                FROM {table} t WHERE {key} LIKE $1 ORDER BY {key}
                """);
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = _prefix + "%" });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Assert.Equal(jobId, reader.GetGuid(1));
                rows.Add(table + " " + reader.GetString(0));
            }
        }
        foreach (var items in new[] { await Targets.PerformanceItemsAsync(stack, _prefix), await Targets.ProductItemsAsync(stack, _prefix) })
        {
            var texts = items.Select(item =>
            {
                Assert.Equal(jobId.ToString(), item["MigrationJobId"].S);
                return string.Join(";", item.Where(a => a.Key is not ("MigrationJobId" or "MigratedAt")).OrderBy(a => a.Key, StringComparer.Ordinal)
                    .Select(a => $"{a.Key}={a.Value.S}{a.Value.N}"));
            });
            rows.AddRange(texts.Order(StringComparer.Ordinal));
        }
        Assert.NotEmpty(rows);
        return rows;
    }
}
