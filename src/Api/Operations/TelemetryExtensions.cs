using AdManager.Grains.Telemetry;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AdManager.Api.Operations;

/// <summary>
/// OpenTelemetry for the process: the pipeline's meter, ASP.NET Core, Npgsql, Orleans and the .NET
/// runtime; a Prometheus scrape endpoint and, by configuration, an OTLP exporter.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Orleans' runtime meter and its activity sources (grain calls, when activity propagation is on).</summary>
    private const string OrleansMeter = "Microsoft.Orleans";
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];
    private const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static WebApplicationBuilder AddMigrationTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: options.ServiceName,
                serviceInstanceId: configuration["POD_NAME"] ?? Environment.MachineName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(MigrationMetrics.MeterName, OrleansMeter)
                    .AddAspNetCoreInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddRuntimeInstrumentation();
                if (options.PrometheusEnabled) metrics.AddPrometheusExporter();
            });

        // Spans cost something on every grain call: trace only when a collector will receive them.
        if (otlp)
        {
            builder.UseOrleans(silo => silo.AddActivityPropagation());
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
                .AddSource(OrleansSources)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperational(context.Request.Path, options))
                .AddNpgsql());
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    public static WebApplication MapMigrationTelemetry(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelemetryOptions>>().Value;
        // Scraped by Prometheus inside the cluster; the ingress exposes /admin and / only (docs/operations.md).
        if (options.PrometheusEnabled) app.MapPrometheusScrapingEndpoint(options.PrometheusPath);
        return app;
    }

    /// <summary>Probes and scrapes: frequent, uninteresting, and not worth a span each.</summary>
    private static bool IsOperational(PathString path, TelemetryOptions options) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments(options.PrometheusPath);
}
