using System.ComponentModel.DataAnnotations;

namespace AdManager.Api.Operations;

/// <summary>
/// What the service exports. Metrics are always collected; Prometheus scrapes them at <c>/metrics</c>
/// when <see cref="PrometheusEnabled"/>, and an OTLP collector receives metrics, traces and logs when
/// the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured (its sibling <c>OTEL_*</c> settings apply).
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>The <c>service.name</c> resource attribute.</summary>
    [Required]
    public string ServiceName { get; set; } = "admanager-migration";

    /// <summary>Serve the Prometheus text format at <see cref="PrometheusPath"/>.</summary>
    public bool PrometheusEnabled { get; set; } = true;

    [Required, RegularExpression("^/[A-Za-z0-9/_-]*$")]
    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>Share of root traces kept (parent-based: a sampled caller's trace is always continued).</summary>
    [Range(0.0, 1.0)]
    public double TraceSampleRatio { get; set; } = 1.0;
}
