using Amazon.DynamoDBv2;
using Npgsql;

namespace AdManager.Grains.Stores;

/// <summary>
/// Turns store exceptions into one line an administrator can act on (no stack, no connection strings, and no address of
/// a store: the line reaches every viewer of the job).
/// </summary>
public static class StoreErrors
{
    public static string Describe(Exception ex) => ex switch
    {
        PostgresException pg => $"PostgreSQL error {pg.SqlState}: {pg.MessageText}",
        NpgsqlException npg => $"PostgreSQL unavailable: {Connection(npg)}",
        Dynamo.DynamoThrottledException throttled => throttled.Message,
        Dynamo.DynamoUnavailableException unavailable => unavailable.Message,
        AmazonDynamoDBException dynamo => $"DynamoDB error {dynamo.ErrorCode}: {dynamo.Message}",
        TimeoutException timeout => $"timed out: {timeout.Message}",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

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
