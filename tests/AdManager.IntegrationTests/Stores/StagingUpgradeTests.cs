using AdManager.Grains.Pipeline.Schema;
using AdManager.Grains.Stores.Postgres;
using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Stores;

/// <summary>
/// A job extracted by the previous version (its staging without <c>source_modified_beyond</c>) and resumed by this one
/// across a deploy resolves: resolving brings the staging to this version's columns before it ranks duplicates by them.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StagingUpgradeTests(TestStack stack) : IAsyncLifetime
{
    private readonly Guid _job = Guid.CreateVersion7();

    public async Task InitializeAsync()
    {
        foreach (var entity in EntitySchema.All) await stack.Db.ExecAsync(StagingTables.CreateIfMissing(entity.Kind, _job));
        foreach (var entity in new[] { EntityKind.Campaigns, EntityKind.Catalogs, EntityKind.Products })
            await stack.Db.ExecAsync($"ALTER TABLE {StagingTables.Name(entity, _job)} DROP COLUMN source_modified_beyond");
        // Two versions of one campaign, the later one (by last_modified) on the earlier line, both flagged as the
        // extraction's duplicate filter would.
        await stack.Db.ExecAsync($$"""
            INSERT INTO {{StagingTables.Name(EntityKind.Campaigns, _job)}} (seq, line, maybe_duplicate, campaign_id, merchant_id, name, status,
                daily_budget_micros, currency, start_date, targeting, source_modified_at, source_modified_ticks)
            VALUES (0, 2, true, 'up-c1', 'm', 'later', 'active', 1, 'USD', '2024-03-01', '{}'::jsonb, '2024-03-02T00:00:00Z', 638449344000000000),
                   (1, 3, true, 'up-c1', 'm', 'earlier', 'active', 1, 'USD', '2024-03-01', '{}'::jsonb, '2024-03-01T00:00:00Z', 638448480000000000)
            """);
    }

    public async Task DisposeAsync() => await new StagingReader(stack.Db).DeleteStagingAsync(_job, CancellationToken.None);

    [Fact]
    public async Task Resolving_a_staging_of_the_previous_version_adds_the_column_and_ranks_duplicates()
    {
        var resolved = await new StagingResolver(stack.Db).ResolveAsync(_job, batchSize: 1000,
            new Dictionary<EntityKind, long?> { [EntityKind.Campaigns] = 2, [EntityKind.Products] = 0 }, CancellationToken.None);

        Assert.Equal(1, resolved[EntityKind.Campaigns].Superseded);
        Assert.Equal(1, await stack.Db.CountAsync(
            $"SELECT count(*) FROM {StagingTables.Name(EntityKind.Campaigns, _job)} WHERE outcome = 1 AND name = 'earlier'"));
        foreach (var entity in new[] { EntityKind.Campaigns, EntityKind.Catalogs, EntityKind.Products })
        {
            Assert.Equal(1, await stack.Db.CountAsync(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = $1 AND column_name = 'source_modified_beyond'",
                StagingTables.Name(entity, _job)));
        }
    }
}
