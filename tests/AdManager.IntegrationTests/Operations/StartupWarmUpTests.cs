using AdManager.IntegrationTests.Infrastructure;

namespace AdManager.IntegrationTests.Operations;

/// <summary>The silo's start-up warm-up runs the real extraction path against PostgreSQL and must leave nothing behind.</summary>
[Collection(StackCollection.Name)]
public sealed class StartupWarmUpTests(TestStack stack)
{
    [Fact]
    public async Task The_warm_up_stages_and_rejects_its_records_then_leaves_no_table_or_rejection_behind()
    {
        // A first silo creates the schema (the test database may be new), then stops: the second one's warm-up is measured.
        await using (var first = await StartedAsync())
        {
        }
        var tablesBefore = await SchemaTables.ListAsync(stack.Db, perJobStaging: true);
        var rejectionsBefore = await CountAsync("SELECT count(*) FROM migration_rejections");

        await using var host = await StartedAsync();

        Assert.DoesNotContain("warm-up of the extraction path failed", host.Logs.AllText);
        Assert.Equal(tablesBefore, await SchemaTables.ListAsync(stack.Db, perJobStaging: true));
        Assert.Equal(rejectionsBefore, await CountAsync("SELECT count(*) FROM migration_rejections"));
    }

    /// <summary>A started silo whose warm-up has ended (logged) and cleaned up.</summary>
    private async Task<MigrationHost> StartedAsync()
    {
        var host = new MigrationHost(stack, "warm-" + Guid.NewGuid().ToString("N")[..8]);
        using (host.CreateClient())
        {
        }
        await Poll.UntilAsync(() => Task.FromResult(host.Logs.AllText.Contains("Extraction path compiled and exercised", StringComparison.Ordinal)
                || host.Logs.AllText.Contains("warm-up of the extraction path failed", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), "the warm-up to finish");
        // Its clean-up runs right after the log line.
        await Task.Delay(TimeSpan.FromSeconds(1));
        return host;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var command = stack.Db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
