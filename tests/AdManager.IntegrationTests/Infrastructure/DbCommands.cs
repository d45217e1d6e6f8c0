using Npgsql;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>One statement against the test database, its arguments as the positional parameters <c>$1</c>, <c>$2</c>, ...</summary>
public static class DbCommands
{
    /// <summary>Runs the statement; the rows it affected.</summary>
    public static async Task<int> ExecAsync(this NpgsqlDataSource db, string sql, params object[] args)
    {
        await using var command = Command(db, sql, args);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The <c>bigint</c> a <c>SELECT count(*) ...</c> answers.</summary>
    public static async Task<long> CountAsync(this NpgsqlDataSource db, string sql, params object[] args)
    {
        await using var command = Command(db, sql, args);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static NpgsqlCommand Command(NpgsqlDataSource db, string sql, object[] args)
    {
        var command = db.CreateCommand(sql);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        return command;
    }
}
