using System.Net.Sockets;
using AdManager.Grains.Stores;
using AdManager.Grains.Stores.Dynamo;
using Npgsql;

namespace AdManager.UnitTests.Stores;

/// <summary>A store fault as a job's error shows it: what happened to the connection, never the store's address.</summary>
public sealed class StoreErrorsTests
{
    [Fact]
    public void A_refused_postgres_connection_is_named_by_its_socket_error_without_the_address()
    {
        var ex = new NpgsqlException("Failed to connect to 10.1.2.3:5432", new SocketException((int)SocketError.ConnectionRefused));
        Assert.Equal("PostgreSQL unavailable: connection ConnectionRefused", StoreErrors.Describe(ex));
    }

    [Fact]
    public void A_dynamodb_connection_failure_names_the_table_and_the_socket_error_only()
    {
        var inner = new HttpRequestException("Connection refused (10.1.2.3:8000)", new SocketException((int)SocketError.ConnectionRefused));
        Assert.Equal("DynamoDB unavailable (table ProductFeeds): connection ConnectionRefused", StoreErrors.Describe(new DynamoUnavailableException("ProductFeeds", inner)));
        Assert.Equal("DynamoDB unavailable (table ProductFeeds): the connection failed or was lost",
            StoreErrors.Describe(new DynamoUnavailableException("ProductFeeds", new IOException("reset by 10.1.2.3"))));
    }
}
