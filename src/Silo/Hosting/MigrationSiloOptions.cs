using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

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

    /// <summary>Overridden by the <c>ORLEANS_CLUSTER_ID</c> environment variable when set (Kubernetes).</summary>
    [Required]
    public string ClusterId { get; set; } = "admanager-local";

    /// <summary>Overridden by the <c>ORLEANS_SERVICE_ID</c> environment variable when set (Kubernetes).</summary>
    [Required]
    public string ServiceId { get; set; } = "admanager-migration";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Address advertised to other silos; <c>POD_IP</c> when unset, else loopback.</summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>Silo name in the membership table; <c>POD_NAME</c> when unset.</summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// How long the host may take to stop after SIGTERM: running batches finish and are checkpointed,
    /// the silo leaves the cluster. The pod's <c>terminationGracePeriodSeconds</c> must be longer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a start event may wait in the queue before being dead-lettered. The provider's default
    /// (10 minutes) would strand jobs submitted during a longer outage; the resume reminder is the backstop.
    /// </summary>
    public TimeSpan StreamExpiry { get; set; } = TimeSpan.FromDays(2);

    /// <summary>
    /// A queued start event wakes its queue's reader through PostgreSQL <c>LISTEN</c>/<c>NOTIFY</c>
    /// (<see cref="JobEventWakeups"/>). Off where the connection string goes through a pooler in transaction mode
    /// (PgBouncer), which does not carry notifications: the job stream's queues are then polled every 100 ms.
    /// </summary>
    public bool JobEventWakeups { get; set; } = true;

    /// <summary>How long a grain call may take (a loader storing a large batch into a slow target).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public bool IsCluster => string.Equals(Mode, "Cluster", StringComparison.OrdinalIgnoreCase);

    /// <summary>The advertised address: <see cref="AdvertisedIP"/>, or loopback.</summary>
    public IPAddress AdvertisedAddress =>
        IPAddress.TryParse(AdvertisedIP, out var address) ? address : IPAddress.Loopback;

    /// <summary>
    /// The names Kubernetes conventionally gives a silo's identity (the downward API's <c>POD_NAME</c> and
    /// <c>POD_IP</c>, and <c>ORLEANS_SERVICE_ID</c>/<c>ORLEANS_CLUSTER_ID</c>), applied over the bound section.
    /// </summary>
    public void ApplyPodEnvironment(IConfiguration configuration)
    {
        if (configuration["ORLEANS_SERVICE_ID"] is { Length: > 0 } serviceId) ServiceId = serviceId;
        if (configuration["ORLEANS_CLUSTER_ID"] is { Length: > 0 } clusterId) ClusterId = clusterId;
        if (string.IsNullOrWhiteSpace(SiloName) && configuration["POD_NAME"] is { Length: > 0 } podName) SiloName = podName;
        if (string.IsNullOrWhiteSpace(AdvertisedIP) && configuration["POD_IP"] is { Length: > 0 } podIp) AdvertisedIP = podIp;
    }

    /// <summary>The section bound and the pod environment applied, as the silo is configured with it.</summary>
    public static MigrationSiloOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<MigrationSiloOptions>() ?? new MigrationSiloOptions();
        options.ApplyPodEnvironment(configuration);
        return options;
    }
}

/// <summary>Checks what data annotations cannot: the mode's spelling and the advertised address.</summary>
public sealed class MigrationSiloOptionsValidator : IValidateOptions<MigrationSiloOptions>
{
    public ValidateOptionsResult Validate(string? name, MigrationSiloOptions options)
    {
        var failures = new List<string>();
        if (!options.IsCluster && !string.Equals(options.Mode, "Local", StringComparison.OrdinalIgnoreCase))
            failures.Add($"Orleans:Mode must be Local or Cluster, not '{options.Mode}'");
        if (!string.IsNullOrWhiteSpace(options.AdvertisedIP) && !IPAddress.TryParse(options.AdvertisedIP, out _))
            failures.Add($"Orleans:AdvertisedIP (or POD_IP) '{options.AdvertisedIP}' is not an IP address");
        if (options.SiloPort == options.GatewayPort)
            failures.Add("Orleans:SiloPort and Orleans:GatewayPort must differ");
        return failures.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(failures);
    }
}
