using AdManager.IntegrationTests.Infrastructure;
using Amazon.DynamoDBv2.Model;

namespace AdManager.IntegrationTests.Sources;

/// <summary>
/// Everything the targets hold for an id prefix, as comparable text: every column and attribute but the job id and
/// the migration time (which differ between two jobs by design), and, apart, the job ids found.
/// </summary>
public sealed record TargetSnapshot(IReadOnlyList<string> Rows, IReadOnlySet<string> JobIds)
{
    public static async Task<TargetSnapshot> ReadAsync(TestStack stack, string prefix)
    {
        var rows = new List<string>();
        var jobIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (table, key) in new[] { ("campaign_metadata", "campaign_id"), ("catalog_metadata", "catalog_id") })
        {
            await using var command = stack.Db.CreateCommand(
                $"SELECT (to_jsonb(t) - 'migration_job_id' - 'migrated_at')::text, migration_job_id::text FROM {table} t WHERE {key} LIKE $1 ORDER BY {key}");
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = prefix + "%" });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add($"{table} {reader.GetString(0)}");
                jobIds.Add(reader.GetString(1));
            }
        }
        // Every page of the scan: the shared tables hold every test's items, so one page may miss ours.
        var tables = new[]
        {
            ("CampaignPerformanceLogs", await Targets.PerformanceItemsAsync(stack, prefix)),
            ("ProductFeeds", await Targets.ProductItemsAsync(stack, prefix)),
        };
        foreach (var (table, items) in tables)
        {
            foreach (var item in items)
            {
                jobIds.Add(item["MigrationJobId"].S);
                rows.Add(table + " " + string.Join("|", item
                    .Where(a => a.Key is not ("MigrationJobId" or "MigratedAt"))
                    .OrderBy(a => a.Key, StringComparer.Ordinal)
                    .Select(a => $"{a.Key}={a.Value.S ?? a.Value.N}")));
            }
        }
        rows.Sort(StringComparer.Ordinal);
        return new TargetSnapshot(rows, jobIds);
    }
}
