using System.Text;
using Npgsql;

namespace AdManager.IntegrationTests.Infrastructure;

/// <summary>Searches every row of every table (text and binary columns alike) for a value.</summary>
public static class DatabaseScan
{
    /// <summary>The tables with a row containing <paramref name="value"/>, as text or as UTF-8 bytes (grain state is binary).</summary>
    public static async Task<List<string>> TablesContainingAsync(NpgsqlDataSource db, string value)
    {
        var tables = new List<string>();
        await using (var list = db.CreateCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }

        // bytea columns print as \x followed by lowercase hex.
        var hex = Convert.ToHexStringLower(Encoding.UTF8.GetBytes(value));
        var found = new List<string>();
        foreach (var table in tables)
        {
            var quoted = "\"" + table.Replace("\"", "\"\"") + "\"";
            await using var search = db.CreateCommand($"SELECT count(*) FROM {quoted} t WHERE strpos(t::text, $1) > 0 OR strpos(t::text, $2) > 0");
            search.Parameters.Add(new NpgsqlParameter { Value = value });
            search.Parameters.Add(new NpgsqlParameter { Value = hex });
            try
            {
                if ((long)(await search.ExecuteScalarAsync())! > 0) found.Add(table);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // Dropped since it was listed (a job's staging, or the start-up warm-up's, which runs beside a
                // just-started silo's first requests): nothing is stored in it any more.
            }
        }
        return found;
    }
}
