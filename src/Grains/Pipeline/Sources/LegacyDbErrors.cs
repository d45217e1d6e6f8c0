using System.Net.Sockets;
using Npgsql;

namespace AdManager.Grains.Pipeline.Sources;

/// <summary>Which legacy database a message is about: the server and the secret's name, never anything from inside the secret but its address.</summary>
public sealed record LegacyDbTarget(string CredentialsRef, string Server)
{
    /// <summary>Host, port and database of a parsed connection string (no user, no password).</summary>
    public static LegacyDbTarget Of(string credentialsRef, NpgsqlConnectionStringBuilder connection) =>
        new(credentialsRef, $"{connection.Host ?? "localhost"}:{connection.Port}/{connection.Database ?? "(default database)"}");

    public override string ToString() => $"legacy database {Server} (credentialsRef '{CredentialsRef}')";
}

/// <summary>
/// Turns driver exceptions into <see cref="LegacySourceException"/>s an administrator can act on. The text is ours:
/// driver messages can quote connection details, so only SQLSTATEs, socket error names and, once connected, the server's
/// own error text are used. Not while connecting: the server then quotes settings the secret gives the session
/// (<c>invalid value for parameter "TimeZone": "..."</c>), and the secret's text must reach no message.
/// </summary>
public static class LegacyDbErrors
{
    /// <summary>What <c>doing</c> says while the session is being opened (the server's text is left out then).</summary>
    public const string Connecting = "connecting";

    public static LegacySourceException Describe(Exception ex, LegacyDbTarget target, string doing) =>
        new($"{target}: {doing} failed: {(doing == Connecting ? ConnectCause(ex) : Cause(ex))}", Transient(ex));

    private static string ConnectCause(Exception ex) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } =>
            "permission denied (the role may not connect to this database: CONNECT privilege)",
        PostgresException pg when Stores.StoreErrors.RefusesSessionSetting(pg) =>
            $"the server refused a setting the secret gives the session (SQLSTATE {pg.SqlState}); check its Options, Timezone, Search Path and similar keywords",
        PostgresException pg when !Known(pg) => $"the server refused the connection (SQLSTATE {pg.SqlState})",
        _ => Cause(ex),
    };

    private static bool Known(PostgresException pg) => pg.SqlState is PostgresErrorCodes.InvalidPassword
        or PostgresErrorCodes.InvalidAuthorizationSpecification or PostgresErrorCodes.InvalidCatalogName
        or PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.AdminShutdown
        or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;

    /// <summary>
    /// Passing: the server ended the session or is restarting, has no free slot, or the connection broke mid-read. Not a
    /// connection refused or a host not found: those are far more often a wrong secret, better told at once.
    /// </summary>
    private static bool Transient(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
        NpgsqlException { InnerException: IOException } => true,
        _ => false,
    };

    private static string Cause(Exception ex) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword } =>
            "the server refused the credentials (password authentication failed); check the secret",
        PostgresException { SqlState: PostgresErrorCodes.InvalidAuthorizationSpecification } =>
            "the server refused this user (no matching access rule); check the secret and the server's pg_hba.conf",
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => "the database does not exist",
        PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } pg => $"permission denied ({pg.MessageText})",
        PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } => "the server cancelled the read (statement_timeout?)",
        PostgresException { SqlState: PostgresErrorCodes.TooManyConnections } => "the server has no free connection slots",
        PostgresException { SqlState: PostgresErrorCodes.AdminShutdown } =>
            "the server ended the session (an administrator terminated it, or the server is shutting down; SQLSTATE 57P01)",
        PostgresException { SqlState: PostgresErrorCodes.CrashShutdown } => "the server ended the session after another process crashed (SQLSTATE 57P02)",
        PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow } => "the server is starting or stopping and accepts no connections (SQLSTATE 57P03)",
        PostgresException pg => $"the server answered SQLSTATE {pg.SqlState}: {pg.MessageText}",
        TimeoutException => "timed out",
        NpgsqlException { InnerException: TimeoutException } => "timed out",
        NpgsqlException { InnerException: SocketException socket } => $"cannot reach the server ({socket.SocketErrorCode})",
        NpgsqlException { InnerException: IOException { InnerException: SocketException socket } } => $"the connection was lost ({socket.SocketErrorCode})",
        NpgsqlException { InnerException: System.Security.Authentication.AuthenticationException } =>
            "the TLS handshake failed; check the secret's SSL Mode and certificates",
        // Npgsql's own words (no connection detail in them) for two mistakes of a secret that otherwise read alike.
        NpgsqlException npg when npg.Message.StartsWith("No password has been provided", StringComparison.Ordinal) =>
            "the secret has no password, and the server asks for one",
        NpgsqlException npg when npg.Message.StartsWith("SSL connection requested", StringComparison.Ordinal) =>
            "the secret requires TLS (SSL Mode), and the server does not offer it",
        NpgsqlException => "the connection failed or was lost",
        ArgumentException { ParamName: { Length: > 0 } name } => $"the secret's connection string has no usable {name}",
        ArgumentException => "the secret does not hold a usable PostgreSQL connection string",
        IOException or UnauthorizedAccessException => "a file the secret names (Passfile, Root Certificate, ...) cannot be read",
        _ => $"unexpected {ex.GetType().Name}",
    };
}
