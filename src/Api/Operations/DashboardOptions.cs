using System.ComponentModel.DataAnnotations;

namespace AdManager.Api.Operations;

/// <summary>The Orleans Dashboard: grains, silos, call rates and reminders of the live cluster, for administrators.</summary>
public sealed class MigrationDashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>Collect dashboard statistics on this silo and serve the dashboard.</summary>
    public bool Enabled { get; set; }

    [Required, RegularExpression("^/[A-Za-z0-9/_-]+$")]
    public string Path { get; set; } = "/dashboard";

    /// <summary>
    /// The dashboard's live log stream shows every log line of the silo to the browser: off unless an
    /// operator turns it on for a diagnosis.
    /// </summary>
    public bool LiveLogs { get; set; }
}
