using Npgsql;

namespace AdManager.IntegrationTests.Sources;

/// <summary>
/// A legacy database of the tests' own in the test PostgreSQL server: a separate database, and a login role that may
/// only read, with a password planted to be looked for where it must never appear. Each test gets its own schema.
/// </summary>
public sealed class LegacyDatabase : IAsyncLifetime
{
    private static readonly string Admin = Environment.GetEnvironmentVariable("ADMANAGER_TEST_PG")
        ?? throw new InvalidOperationException("ADMANAGER_TEST_PG is not set: run the integration tests through ./test.sh");

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..10];
    private readonly string _encoding;

    public LegacyDatabase()
        : this("UTF8")
    {
    }

    private LegacyDatabase(string encoding) => _encoding = encoding;

    /// <summary>A database in another server encoding: <c>SQL_ASCII</c> lets a legacy database hold bytes that are not UTF-8.</summary>
    public static LegacyDatabase WithEncoding(string encoding) => new(encoding);

    public string Name => "legacy_" + _suffix;

    public string Role => "legacy_reader_" + _suffix;

    /// <summary>The read-only role's password: must never show up in a response, log, grain state or report.</summary>
    public string Password { get; } = "Planted-" + Guid.NewGuid().ToString("N");

    /// <summary>What the secret holds: the read-only role's connection string.</summary>
    public string ReaderConnectionString => new NpgsqlConnectionStringBuilder(Admin)
    {
        Database = Name,
        Username = Role,
        Password = Password,
    }.ConnectionString;

    /// <summary>The superuser on the legacy database, to build and change its tables.</summary>
    public NpgsqlDataSource Owner { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await using (var server = NpgsqlDataSource.Create(Admin))
        {
            var locale = _encoding == "UTF8" ? "" : " LC_COLLATE 'C' LC_CTYPE 'C'";
            await ExecAsync(server, $"CREATE DATABASE {Name} TEMPLATE template0 ENCODING '{_encoding}'{locale}");
            await ExecAsync(server, $"CREATE ROLE {Role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{Password}'");
            await ExecAsync(server, $"ALTER ROLE {Role} SET default_transaction_read_only = on");
            await ExecAsync(server, $"REVOKE ALL ON DATABASE {Name} FROM PUBLIC");
            await ExecAsync(server, $"GRANT CONNECT ON DATABASE {Name} TO {Role}");
        }
        Owner = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Admin) { Database = Name, Pooling = false }.ConnectionString);
    }

    /// <summary>A new schema the reader may use, whose tables it may read; <c>{s}</c> in the statements is the schema's name.</summary>
    public async Task<string> CreateSchemaAsync(params string[] statements)
    {
        var schema = "s_" + Guid.NewGuid().ToString("N")[..10];
        await ExecAsync($"CREATE SCHEMA {schema}");
        await ExecAsync($"GRANT USAGE ON SCHEMA {schema} TO {Role}");
        await ExecAsync($"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES TO {Role}");
        foreach (var statement in statements) await ExecAsync(statement.Replace("{s}", schema, StringComparison.Ordinal));
        return schema;
    }

    public Task ExecAsync(string sql) => ExecAsync(Owner, sql);

    public async Task DisposeAsync()
    {
        await Owner.DisposeAsync();
        await using var server = NpgsqlDataSource.Create(Admin);
        await ExecAsync(server, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
        await ExecAsync(server, $"DROP ROLE IF EXISTS {Role}");
    }

    private static async Task ExecAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
