using System.ComponentModel.DataAnnotations;

namespace AdManager.Silo.Hosting;

/// <summary>How this process joins the Orleans cluster.</summary>
public sealed class MigrationSiloOptions
{
    public const string Section = "Orleans";

    /// <summary>
    /// <c>Local</c>: one silo on loopback with development membership (a laptop, the tests).
    /// <c>Cluster</c>: ADO.NET membership on PostgreSQL, any number of silos.
    /// </summary>
    [Required]
    public string Mode { get; set; } = "Local";

    [Required]
    public string ClusterId { get; set; } = "admanager-local";

    [Required]
    public string ServiceId { get; set; } = "admanager-migration";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Address advertised to other silos (the pod IP on Kubernetes); loopback when unset.</summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>Silo name in the membership table (the pod name on Kubernetes).</summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// How long a start event may wait in the queue before being dead-lettered. The provider's default
    /// (10 minutes) would strand jobs submitted during a longer outage; the resume reminder is the backstop.
    /// </summary>
    public TimeSpan StreamExpiry { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a grain call may take (a loader storing a large batch into a slow target).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public bool IsCluster => string.Equals(Mode, "Cluster", StringComparison.OrdinalIgnoreCase);
}
