using Amazon.DynamoDBv2;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AdManager.Api.Health;

/// <summary>
/// <c>/health/live</c> (the process answers) and <c>/health/ready</c> (this silo's runtime answers a grain call; 503 when
/// not). PostgreSQL and DynamoDB are checked too, but a store that cannot be reached makes the answer <c>Degraded</c>
/// (200), not unready: every silo shares the stores, so an outage would take every pod out of the Service at once, and
/// the API with it (job status, cancel, and this report), while each request would have had its 503 with Retry-After.
/// </summary>
public static class HealthEndpoints
{
    public static IServiceCollection AddMigrationHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres", failureStatus: HealthStatus.Degraded, tags: ["ready"])
            .AddCheck<DynamoHealthCheck>("dynamodb", failureStatus: HealthStatus.Degraded, tags: ["ready"])
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
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL is not reachable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A fixed sentence, never the exception's text (the endpoint is anonymous).
            return new HealthCheckResult(context.Registration.FailureStatus, $"PostgreSQL check failed ({ex.GetType().Name})");
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
        catch (Amazon.DynamoDBv2.Model.ResourceNotFoundException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"DynamoDB table {Grains.Stores.Dynamo.DynamoItems.ProductTable} does not exist");
        }
        catch (AmazonDynamoDBException ex) when (ex.ErrorCode is "AccessDeniedException" or "UnrecognizedClientException" or "InvalidSignatureException")
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "DynamoDB refused the service's credentials or permissions");
        }
        catch (Exception ex) when (ex is AmazonDynamoDBException or HttpRequestException or TimeoutException or OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "DynamoDB is not reachable");
        }
        catch (Exception ex)
        {
            // Credentials that cannot be resolved (an IAM role for the service account), and the like: a fixed sentence,
            // never the exception's text, which can name a role (the endpoint is anonymous).
            return new HealthCheckResult(context.Registration.FailureStatus, $"DynamoDB check failed ({ex.GetType().Name})");
        }
    }
}

internal sealed class SiloHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await grains.GetGrain<Grains.Abstractions.Health.IHealthProbeGrain>(0).Ping().WaitAsync(TimeSpan.FromSeconds(5), ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("This silo's Orleans runtime is not answering");
        }
    }
}
