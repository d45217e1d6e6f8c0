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

    /// <summary>
    /// Npgsql names a connection pool after its connection string, all of it but the password: for a legacy source that
    /// is the secret (user, host, database, any other setting such as an SSL key's password), for the platform's own
    /// store its configured connection string. Metrics and spans must not carry it, so Npgsql's metrics keep only these
    /// labels (connections are counted over all pools; operations per server), and spans lose the data source's name.
    /// </summary>
    private const string NpgsqlMeter = "Npgsql";   // also its activity source's name
    private static readonly string[] NpgsqlLabels =
        ["db.client.connection.state", "db.system.name", "db.operation.name", "db.response.status_code", "error.type", "server.address", "server.port"];

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
                    .AddView(instrument => instrument.Meter.Name == NpgsqlMeter ? new MetricStreamConfiguration { TagKeys = NpgsqlLabels } : null)
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
                .AddNpgsql()
                .AddProcessor(new NpgsqlDataSourceScrub()));
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

    /// <summary>Removes the data source's name (its connection string but the password) from Npgsql's spans before export.</summary>
    private sealed class NpgsqlDataSourceScrub : BaseProcessor<System.Diagnostics.Activity>
    {
        public override void OnEnd(System.Diagnostics.Activity activity)
        {
            if (activity.Source.Name == NpgsqlMeter) activity.SetTag("db.npgsql.data_source", null);
        }
    }
}
