using Amazon.DynamoDBv2;
using Npgsql;

namespace AdManager.Grains.Stores;

/// <summary>
/// Turns store exceptions into one line an administrator can act on (no stack, no connection strings, and no address of
/// a store: the line reaches every viewer of the job).
/// </summary>
public static class StoreErrors
{
    public static string Describe(Exception ex) => Known(ex) switch
    {
        PostgresException pg => $"PostgreSQL error {pg.SqlState}: {pg.MessageText}",
        NpgsqlException npg => $"PostgreSQL unavailable: {Connection(npg)}",
        Dynamo.DynamoThrottledException throttled => throttled.Message,
        Dynamo.DynamoUnavailableException unavailable => unavailable.Message,
        AmazonDynamoDBException dynamo => $"DynamoDB error {dynamo.ErrorCode}: {dynamo.Message}",
        TimeoutException => "timed out",
        // Anything else is described by its type alone: a foreign message may carry an address or a stack (Orleans'
        // storage errors embed their inner exception's text and stack trace in their own message).
        var other => other.GetType().Name,
    };

    /// <summary>
    /// The server refused a setting the connection string gives the session (<c>Options</c>, <c>Timezone</c>, ...): its text
    /// then quotes the value, which comes from a secret, so a message may name the SQLSTATE only.
    /// </summary>
    public static bool RefusesSessionSetting(PostgresException pg) =>
        pg.SqlState.StartsWith("22", StringComparison.Ordinal)
        || pg.SqlState is PostgresErrorCodes.UndefinedObject or PostgresErrorCodes.CantChangeRuntimeParam;

    /// <summary>The store's own exception inside wrappers (Orleans' storage errors, aggregates), or the exception itself.</summary>
    private static Exception Known(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException or Dynamo.DynamoThrottledException or Dynamo.DynamoUnavailableException or AmazonDynamoDBException or TimeoutException) return e;
            if (e is AggregateException { InnerExceptions.Count: 1 } one) return Known(one.InnerExceptions[0]);
        }
        return ex;
    }

    /// <summary>What became of a connection, by the socket's error (<c>connection ConnectionRefused</c>), never the driver's text, which names the address.</summary>
    public static string Connection(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException socket) return $"connection {socket.SocketErrorCode}";
            if (e is TimeoutException) return "connection timed out";
        }
        return "the connection failed or was lost";
    }
}
