using Amazon.DynamoDBv2;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AdManager.Api.Health;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (silo, PostgreSQL and DynamoDB reachable).</summary>
public static class HealthEndpoints
{
    public static IServiceCollection AddMigrationHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"])
            .AddCheck<DynamoHealthCheck>("dynamodb", tags: ["ready"])
            .AddCheck<SiloHealthCheck>("cluster", tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapMigrationHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).WithTags("Health");
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteReadyAsync }).WithTags("Health");
        return app;
    }

    /// <summary>
    /// The verdict and each check's own (<c>{"status":"Unhealthy","checks":{"dynamodb":{"status":"Unhealthy","description":
    /// "DynamoDB is not reachable",...}}}</c>), so an operator sees which dependency is down. Descriptions are the checks' fixed
    /// sentences, never exception text.
    /// </summary>
    private static Task WriteReadyAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        });
}

internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not reachable");
        }
    }
}

internal sealed class DynamoHealthCheck(IAmazonDynamoDB dynamo) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await dynamo.DescribeTableAsync(Grains.Stores.Dynamo.DynamoItems.ProductTable, ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is AmazonDynamoDBException or HttpRequestException or TimeoutException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("DynamoDB is not reachable");
        }
    }
}

internal sealed class SiloHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            // A grain call that needs no storage proves the silo is up and part of a cluster.
            await grains.GetGrain<Grains.Abstractions.Jobs.IMigrationJobGrain>(Guid.Empty).GetSnapshot().WaitAsync(TimeSpan.FromSeconds(5), ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The Orleans cluster is not answering");
        }
    }
}
