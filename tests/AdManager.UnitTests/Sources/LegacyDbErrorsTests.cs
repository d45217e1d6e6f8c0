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
        { new PostgresException("permission denied for database ads", "FATAL", "FATAL", PostgresErrorCodes.InsufficientPrivilege), "permission denied (the role may not connect to this database: CONNECT privilege)" },
        { new PostgresException($"invalid value for parameter \"TimeZone\": \"{Password}\"", "FATAL", "FATAL", PostgresErrorCodes.InvalidParameterValue), "the server refused a setting the secret gives the session (SQLSTATE 22023)" },
        { new PostgresException($"unrecognized configuration parameter \"{Password}\"", "FATAL", "FATAL", PostgresErrorCodes.UndefinedObject), "the server refused a setting the secret gives the session (SQLSTATE 42704)" },
        { new PostgresException($"odd refusal {Password}", "FATAL", "FATAL", "XX000"), "the server refused the connection (SQLSTATE XX000)" },
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

    /// <summary>Once connected, the server's own text names what went wrong (it quotes the statement's objects, not the secret).</summary>
    [Fact]
    public void After_connecting_the_servers_text_is_kept()
    {
        var error = LegacyDbErrors.Describe(new PostgresException("permission denied for table campaigns", "ERROR", "ERROR", PostgresErrorCodes.InsufficientPrivilege),
            Target, "reading legacy.campaigns");
        Assert.EndsWith("reading legacy.campaigns failed: permission denied (permission denied for table campaigns)", error.Message);
    }
}
