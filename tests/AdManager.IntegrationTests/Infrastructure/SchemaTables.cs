using Npgsql;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>
/// The tables of the test database's schema, in name order: either the per-job staging tables
/// (<c>stage_&lt;entity&gt;_&lt;job id&gt;</c>, see <c>StagingTables</c>) or every other table.
/// </summary>
public static class SchemaTables
{
    private const string PerJobStagingName = "^stage_[a-z]+_[0-9a-f]{32}$";

    public static async Task<List<string>> ListAsync(NpgsqlDataSource db, bool perJobStaging)
    {
        await using var command = db.CreateCommand("""
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = current_schema() AND (table_name ~ $1) = $2
            ORDER BY table_name
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = PerJobStagingName });
        command.Parameters.Add(new NpgsqlParameter { Value = perJobStaging });
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        return tables;
    }
}
