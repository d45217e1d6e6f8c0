using AdManager.IntegrationTests.Infrastructure;
using AdManager.Silo.Hosting;
using Npgsql;

namespace AdManager.IntegrationTests.Stores;

/// <summary>
/// The pipeline's PostgreSQL backends outlive an idle spell: a job after one finds warm backends instead of forking
/// new ones (the pool here prunes after 2 idle seconds instead of Npgsql's 5 minutes); and kept connections a server
/// restart broke are found by the keepalive before a statement needs them.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PipelinePoolTests(TestStack stack)
{
    private const string FastPruning = "Connection Idle Lifetime=2;Connection Pruning Interval=1";

    [Fact]
    public async Task Backends_the_pipeline_used_stay_open_through_an_idle_spell()
    {
        await using var dataSource = PipelineDataSource.Build($"{stack.PostgresConnectionString};{FastPruning}");
        var backends = await UseAsync(dataSource, 3);

        Assert.Equal(3, await AliveAsync(backends));
    }

    [Fact]
    public async Task Without_the_floor_the_same_idle_spell_closes_them()
    {
        // The check above proves something only if this pruning happens within its wait.
        await using var dataSource = PipelineDataSource.Build($"{stack.PostgresConnectionString};{FastPruning};Minimum Pool Size=0");
        var backends = await UseAsync(dataSource, 3);

        Assert.Equal(0, await AliveAsync(backends));
    }

    [Fact]
    public async Task Kept_connections_a_postgres_restart_broke_are_dropped_before_the_next_statement_needs_one()
    {
        await using var dataSource = await KeptThroughARestartAsync("Keepalive=1");

        // Each statement takes a kept connection (or a new one); none meets the restart's termination notice.
        for (var i = 0; i < 3; i++)
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            Assert.Equal(1, await command.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task Without_a_keepalive_the_first_statement_after_a_restart_fails()
    {
        // The check above proves something only if a kept connection does break on a restart.
        await using var dataSource = await KeptThroughARestartAsync("Keepalive=0");

        await using var command = dataSource.CreateCommand("SELECT 1");
        var failure = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());
        Assert.Equal(PostgresErrorCodes.AdminShutdown, failure.SqlState);
    }

    /// <summary>A pool (with <paramref name="settings"/>) keeping three connections across a PostgreSQL restart, 3 s after it.</summary>
    private async Task<NpgsqlDataSource> KeptThroughARestartAsync(string settings)
    {
        var dataSource = PipelineDataSource.Build($"{stack.PostgresConnectionString};{settings}");
        await UseAsync(dataSource, 3, idle: TimeSpan.Zero);
        await Infra.RestartPostgresAsync(stack);
        await Task.Delay(TimeSpan.FromSeconds(3));
        return dataSource;
    }

    /// <summary>Holds <paramref name="count"/> connections at once, returns them to the pool, and waits out the idle lifetime.</summary>
    private static async Task<int[]> UseAsync(NpgsqlDataSource dataSource, int count, TimeSpan? idle = null)
    {
        var connections = new List<NpgsqlConnection>();
        for (var i = 0; i < count; i++) connections.Add(await dataSource.OpenConnectionAsync());
        var backends = connections.Select(c => c.ProcessID).ToArray();
        foreach (var connection in connections) await connection.DisposeAsync();
        await Task.Delay(idle ?? TimeSpan.FromSeconds(6));
        return backends;
    }

    private async Task<long> AliveAsync(int[] backends) =>
        await stack.Db.CountAsync("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)", backends);
}
