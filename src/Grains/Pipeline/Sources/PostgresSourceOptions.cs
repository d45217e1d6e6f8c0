using System.ComponentModel.DataAnnotations;

namespace AdManager.Grains.Pipeline.Sources;

/// <summary>How <c>postgres</c> sources (the legacy database) are read. The connection itself comes from the job's secret.</summary>
public sealed class PostgresSourceOptions
{
    public const string Section = "Sources:Postgres";

    /// <summary>
    /// How long one read from the legacy database may wait: the first row of a table waits for its lock and the
    /// server's sort in primary-key order, so this is generous. It replaces the secret's <c>Command Timeout</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Application name shown in the legacy server's <c>pg_stat_activity</c>, unless the connection string sets one.</summary>
    [Required]
    public string ApplicationName { get; set; } = "admanager-migration";
}
