using AdManager.Silo.Hosting;
using Npgsql;

namespace AdManager.UnitTests.Hosting;

/// <summary>The pipeline's pool keeps a floor of open connections unless the connection string chooses its own.</summary>
public sealed class PipelineDataSourceTests
{
    private const string Server = "Host=127.0.0.1;Port=5432;Database=d;Username=u;Password=p";

    [Fact]
    public void The_pool_keeps_warm_connections_and_names_itself_unless_told_otherwise()
    {
        var settings = Settings(Server);
        Assert.Equal(PipelineDataSource.WarmConnections, settings.MinPoolSize);
        Assert.Equal(PipelineDataSource.KeepAliveSeconds, settings.KeepAlive);
        Assert.Equal("admanager", settings.ApplicationName);
    }

    [Theory]
    [InlineData("Keepalive=0", 0)]
    [InlineData("keepalive=5", 5)]
    public void A_connection_string_that_sets_its_keepalive_is_followed(string keepAlive, int seconds) =>
        Assert.Equal(seconds, Settings($"{Server};{keepAlive}").KeepAlive);

    [Theory]
    [InlineData("Minimum Pool Size=0", 0)]
    [InlineData("minimum pool size=3", 3)]
    [InlineData("MinPoolSize=2", 2)]
    [InlineData("Maximum Pool Size=4", 4)]
    public void A_connection_string_that_sets_the_pool_is_followed(string pool, int minimum) =>
        Assert.Equal(minimum, Settings($"{Server};{pool}").MinPoolSize);

    private static NpgsqlConnectionStringBuilder Settings(string connectionString)
    {
        using var dataSource = PipelineDataSource.Build(connectionString);
        return new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
    }
}
