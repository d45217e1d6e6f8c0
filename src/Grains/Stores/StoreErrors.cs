using Amazon.DynamoDBv2;
using Npgsql;

namespace AdManager.Grains.Stores;

/// <summary>Turns store exceptions into one line an administrator can act on (no stack, no connection strings).</summary>
public static class StoreErrors
{
    public static string Describe(Exception ex) => ex switch
    {
        PostgresException pg => $"PostgreSQL error {pg.SqlState}: {pg.MessageText}",
        NpgsqlException npg => $"PostgreSQL unavailable: {npg.Message}",
        Dynamo.DynamoThrottledException throttled => throttled.Message,
        Dynamo.DynamoUnavailableException unavailable => unavailable.Message,
        AmazonDynamoDBException dynamo => $"DynamoDB error {dynamo.ErrorCode}: {dynamo.Message}",
        TimeoutException timeout => $"timed out: {timeout.Message}",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
