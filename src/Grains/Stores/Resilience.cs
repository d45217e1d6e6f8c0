using System.ComponentModel.DataAnnotations;
using AdManager.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace AdManager.Grains.Stores;

/// <summary>How stores are protected against transient faults and how hard each target may be driven.</summary>
public sealed class StoreResilienceOptions
{
    public const string Section = "Stores";

    /// <summary>Quick retries of one store call inside a loader, before the batch is reported as failed.</summary>
    [Range(0, 20)]
    public int RetryAttempts { get; set; } = 3;

    /// <summary>First delay of those retries; it doubles each time, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Batch upserts into PostgreSQL in flight at once on one silo, all jobs together.</summary>
    [Range(1, 256)]
    public int PostgresWriteConcurrency { get; set; } = 8;

    /// <summary>Most DynamoDB batch requests in flight on one silo; halves on throttling, grows back on success.</summary>
    [Range(1, 1024)]
    public int DynamoMaxConcurrency { get; set; } = 32;
}

/// <summary>The silo-wide limits per target, and the retry pipeline for store calls.</summary>
public sealed partial class StoreResilience
{
    private readonly ILogger<StoreResilience> _logger;

    public StoreResilience(IOptions<StoreResilienceOptions> options, ILogger<StoreResilience> logger, MigrationMetrics metrics)
    {
        _logger = logger;
        var o = options.Value;
        Postgres = new SemaphoreSlim(o.PostgresWriteConcurrency, o.PostgresWriteConcurrency);
        Dynamo = new AdaptiveLimiter(1, o.DynamoMaxConcurrency);
        PostgresPipeline = Retries(o, metrics, "postgres", "upsert");
        DynamoPipeline = Retries(o, metrics, "dynamodb", "write");
    }

    /// <summary>Exponential backoff with jitter on transient faults; each retry is logged and counted in the store's metrics.</summary>
    private ResiliencePipeline Retries(StoreResilienceOptions o, MigrationMetrics metrics, string store, string operation) =>
        o.RetryAttempts == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder()
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = o.RetryAttempts,
                    Delay = o.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(TransientFaults.IsTransient),
                    OnRetry = args =>
                    {
                        Retrying(_logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, StoreErrors.Describe(args.Outcome.Exception!));
                        metrics.Retried(store, operation);
                        return default;
                    },
                })
                .Build();

    /// <summary>Limits concurrent batch upserts into PostgreSQL on this silo.</summary>
    public SemaphoreSlim Postgres { get; }

    /// <summary>Adaptive limit of DynamoDB requests on this silo.</summary>
    public AdaptiveLimiter Dynamo { get; }

    /// <summary>Retries transient faults of PostgreSQL writes with exponential backoff and jitter.</summary>
    public ResiliencePipeline PostgresPipeline { get; }

    /// <summary>Retries transient faults of DynamoDB writes with exponential backoff and jitter.</summary>
    public ResiliencePipeline DynamoPipeline { get; }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Store call failed transiently, retry {Attempt} in {DelayMs:0} ms: {Cause}")]
    private static partial void Retrying(ILogger logger, int attempt, double delayMs, string cause);
}
