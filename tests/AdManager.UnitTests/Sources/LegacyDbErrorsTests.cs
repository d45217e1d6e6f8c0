using System.Net.Sockets;
using AdManager.Grains.Pipeline.Sources;
using Npgsql;

namespace AdManager.UnitTests.Sources;

public sealed class LegacyDbErrorsTests
{
    private const string Password = "Planted-Pw-7f3a";
    private static readonly LegacyDbTarget Target = LegacyDbTarget.Of("legacydb",
        new NpgsqlConnectionStringBuilder($"Host=legacy.internal;Port=6543;Database=ads;Username=reader;Password={Password}"));

    public static TheoryData<Exception, string> Cases => new()
    {
        { new PostgresException($"password authentication failed for user \"reader\" ({Password})", "FATAL", "FATAL", PostgresErrorCodes.InvalidPassword), "refused the credentials" },
        { new PostgresException("no pg_hba.conf entry", "FATAL", "FATAL", PostgresErrorCodes.InvalidAuthorizationSpecification), "refused this user" },
        { new PostgresException("database \"ads\" does not exist", "FATAL", "FATAL", PostgresErrorCodes.InvalidCatalogName), "the database does not exist" },
        { new PostgresException("permission denied for table campaigns", "ERROR", "ERROR", PostgresErrorCodes.InsufficientPrivilege), "permission denied (permission denied for table campaigns)" },
        { new PostgresException("canceling statement due to statement timeout", "ERROR", "ERROR", PostgresErrorCodes.QueryCanceled), "statement_timeout" },
        { new NpgsqlException($"Failed to connect to legacy.internal:6543 with Password={Password}", new SocketException((int)SocketError.ConnectionRefused)), "cannot reach the server (ConnectionRefused)" },
        { new NpgsqlException($"Exception while reading from stream; Password={Password}", new TimeoutException()), "timed out" },
        { new NpgsqlException($"Connection broken; Password={Password}"), "the connection failed or was lost" },
        { new InvalidOperationException($"odd state; Password={Password}"), "unexpected InvalidOperationException" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Messages_name_the_database_and_the_cause_and_never_carry_connection_details(Exception ex, string cause)
    {
        var error = LegacyDbErrors.Describe(ex, Target, "connecting");

        Assert.StartsWith("legacy database legacy.internal:6543/ads (credentialsRef 'legacydb'): connecting failed: ", error.Message);
        Assert.Contains(cause, error.Message);
        Assert.DoesNotContain(Password, error.Message);
        Assert.DoesNotContain("reader", error.Message);
        Assert.Null(error.InnerException);
    }
}
