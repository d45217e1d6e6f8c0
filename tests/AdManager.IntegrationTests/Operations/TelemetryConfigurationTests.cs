using AdManager.Api.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AdManager.IntegrationTests.Operations;

/// <summary>What the telemetry configuration switches on; the host is built, not started.</summary>
public sealed class TelemetryConfigurationTests
{
    private static async Task<(TracerProvider? Traces, MeterProvider? Metrics)> ProvidersAsync(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder();
        foreach (var (key, value) in settings) builder.Configuration[key] = value;
        builder.AddMigrationTelemetry();
        await using var app = builder.Build();
        return (app.Services.GetService<TracerProvider>(), app.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task Without_a_collector_metrics_are_collected_and_nothing_is_traced()
    {
        var (traces, metrics) = await ProvidersAsync();

        Assert.Null(traces);
        Assert.NotNull(metrics);
    }

    [Fact]
    public async Task An_OTLP_endpoint_turns_on_tracing()
    {
        var (traces, metrics) = await ProvidersAsync(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"), ("Telemetry:TraceSampleRatio", "0.5"));

        Assert.NotNull(traces);
        Assert.NotNull(metrics);
    }

    [Fact]
    public async Task Database_spans_lose_the_data_source_name_which_is_the_connection_string_but_its_password()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317";
        builder.Configuration["Telemetry:TraceSampleRatio"] = "1";
        builder.AddMigrationTelemetry();
        await using var app = builder.Build();
        Assert.NotNull(app.Services.GetService<TracerProvider>());

        // A span as Npgsql's activity source makes one for a statement on a legacy source's connection.
        using var npgsql = new System.Diagnostics.ActivitySource("Npgsql");
        using var activity = npgsql.StartActivity("SELECT");
        Assert.NotNull(activity);
        activity.SetTag("db.npgsql.data_source", "Host=legacy;Username=reader;SSL Password=planted");
        activity.SetTag("db.system.name", "postgresql");
        activity.Stop();

        Assert.Null(activity.GetTagItem("db.npgsql.data_source"));
        Assert.Equal("postgresql", activity.GetTagItem("db.system.name"));
    }

    [Fact]
    public async Task A_sample_ratio_outside_zero_to_one_is_refused_at_start()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Telemetry:TraceSampleRatio"] = "1.5";
        builder.AddMigrationTelemetry();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("TraceSampleRatio", error.Message);
    }
}
