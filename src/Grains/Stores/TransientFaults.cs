using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Npgsql;

namespace AdManager.Grains.Stores;

/// <summary>
/// Which failures are worth retrying: a store that is restarting, unreachable, overloaded or
/// throttling. Everything else (a constraint violation, a bad query, a validation error) fails at once.
/// </summary>
public static class TransientFaults
{
    public static bool IsTransient(Exception? ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (IsTransientItself(e)) return true;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransient)) return true;
        }
        return false;
    }

    private static bool IsTransientItself(Exception e) => e switch
    {
        PostgresException pg => IsTransientSqlState(pg.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        ProvisionedThroughputExceededException or RequestLimitExceededException or InternalServerErrorException => true,
        AmazonDynamoDBException dynamo => dynamo.ErrorCode is "ThrottlingException" or "ServiceUnavailable" or "InternalServerError"
            || (int)dynamo.StatusCode >= 500,
        AmazonServiceException aws => (int)aws.StatusCode >= 500 || aws.StatusCode == HttpStatusCode.TooManyRequests,
        AmazonClientException => true,
        Dynamo.DynamoThrottledException => true,
        Jobs.BatchFailedException batch => batch.Transient,
        Postgres.StagingLostException => true,
        Pipeline.Sources.LegacySourceException legacy => legacy.Transient,
        HttpRequestException or SocketException or TimeoutException or IOException => true,
        Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException => true,
        _ => false,
    };

    /// <summary>Connection failures (08), operator intervention and shutdowns (57P0x), resource exhaustion (53), serialization failures and deadlocks (40001, 40P01).</summary>
    private static bool IsTransientSqlState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal)
        || state.StartsWith("53", StringComparison.Ordinal)
        || state is "57P01" or "57P02" or "57P03" or "40001" or "40P01" or "55006";
}
