using System.Net.Sockets;
using AdManager.Grains.Stores;
using Npgsql;

namespace AdManager.UnitTests.Stores;

/// <summary>
/// Orleans wraps a storage provider's failure in an exception whose message embeds the inner one's text and stack trace
/// (the store's address among them): the job's error and its retrying cause describe the store's own exception inside.
/// </summary>
public sealed class StoreErrorsWrappedTests
{
    [Fact]
    public void A_wrapped_store_fault_is_described_by_the_store_exception_inside()
    {
        var inner = new NpgsqlException("Failed to connect to 10.1.2.3:5432", new SocketException((int)SocketError.ConnectionRefused));
        var wrapped = new Orleans.Runtime.OrleansException(
            "Error from storage provider AdoNetGrainStorage.job during WriteStateAsync. Exc level 0: Npgsql.NpgsqlException: Failed to connect to 10.1.2.3:5432 at Npgsql.Internal...", inner);
        Assert.Equal("PostgreSQL unavailable: connection ConnectionRefused", StoreErrors.Describe(wrapped));
    }

    [Fact]
    public void A_foreign_exception_is_named_by_its_type_alone()
    {
        var foreign = new InvalidOperationException("state at 10.1.2.3:5432\n   at Some.Frame()");
        Assert.Equal("InvalidOperationException", StoreErrors.Describe(foreign));
    }
}
