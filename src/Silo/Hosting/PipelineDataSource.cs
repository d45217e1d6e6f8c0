using Npgsql;

namespace AdManager.Silo.Hosting;

/// <summary>The PostgreSQL data source of the pipeline's own statements (staging, merges, validation, the job index).</summary>
public static class PipelineDataSource
{
    /// <summary>
    /// Connections the pool keeps open through an idle spell, unless the connection string sets
    /// <c>Minimum Pool Size</c> itself: two jobs' worth (a job holds at most 2 at once with campaigns only, 4 with
    /// products too: merges beside batch reads). Npgsql closes idle connections after 5 minutes down to this floor,
    /// and a fresh PostgreSQL backend is slow at first (its first touches of shared buffers, its caches): jobs a few
    /// minutes apart, the usual way administrators work, took about 0.2 s longer each at 50k campaigns without it.
    /// </summary>
    public const int WarmConnections = 8;

    /// <summary>
    /// Seconds an idle connection waits before the pool checks it with an empty query, unless the connection string sets
    /// <c>Keepalive</c>: kept connections that a PostgreSQL restart broke are found and dropped within this, instead of
    /// failing the next job's or submission's first statement (57P01) however long after the restart it comes.
    /// </summary>
    public const int KeepAliveSeconds = 30;

    /// <summary>The application name the service's connections show in <c>pg_stat_activity</c> unless the connection string sets one.</summary>
    public const string DefaultApplicationName = "admanager";

    public static NpgsqlDataSource Build(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var settings = builder.ConnectionStringBuilder;
        // The keys the connection string sets, under their canonical names (any synonym or case it used), taken before
        // any is set here.
        var given = settings.Keys.Cast<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        settings.ApplicationName ??= DefaultApplicationName;
        if (!given.Contains("Minimum Pool Size")) settings.MinPoolSize = Math.Min(WarmConnections, settings.MaxPoolSize);
        if (!given.Contains("Keepalive")) settings.KeepAlive = KeepAliveSeconds;
        return builder.Build();
    }
}
